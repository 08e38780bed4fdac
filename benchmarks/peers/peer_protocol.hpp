// The line protocol between compare_bench and a peer client in its own process (a client library that cannot share
// a translation unit with serverops). The peer reads, on stdin:
//     method GET|POST
//     url http://127.0.0.1:PORT/path        (origin + origin-form target)
//     header Name: value                    (repeated; Host and Content-Length are the client's own)
//     body <one line>                       (optional)
//     start                                 -> "ready" after one warm-up call, or "error"
//     run N                                 -> N calls, then "done <elapsed ns>", or "error"
// and exits at end of input. Standard library only: peers compile against other Boost versions.
#ifndef SERVEROPS_BENCHMARKS_PEER_PROTOCOL_HPP
#define SERVEROPS_BENCHMARKS_PEER_PROTOCOL_HPP

#include <chrono>
#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace peer_protocol {

struct request_spec {
    std::string method = "GET";
    std::string url;
    std::string target;  // the path and query of url
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::string origin() const { return url.substr(0, url.size() - target.size()); }
};

/// Reads the configuration and answers "start" and "run N" with `calls(spec, n)` (false: a call failed).
template <class Calls>
int serve(std::istream& in, std::ostream& out, Calls&& calls) {
    request_spec spec;
    std::string line;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        const std::string word = line.substr(0, space);
        const std::string rest = space == std::string::npos ? std::string() : line.substr(space + 1);
        if (word == "method") {
            spec.method = rest;
        } else if (word == "url") {
            spec.url = rest;
            const auto scheme = spec.url.find("://");
            const auto slash = spec.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
            spec.target = slash == std::string::npos ? "/" : spec.url.substr(slash);
        } else if (word == "header") {
            const auto colon = rest.find(": ");
            if (colon != std::string::npos) spec.headers.emplace_back(rest.substr(0, colon), rest.substr(colon + 2));
        } else if (word == "body") {
            spec.body = rest;
        } else if (word == "start") {
            out << (calls(spec, 1) ? "ready" : "error") << std::endl;
        } else if (word == "run") {
            const int n = std::stoi(rest);
            const auto t0 = std::chrono::steady_clock::now();
            const bool ok = calls(spec, n);
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
            if (ok) out << "done " << ns.count() << std::endl;
            else out << "error" << std::endl;
        }
    }
    return 0;
}

}  // namespace peer_protocol

#endif
