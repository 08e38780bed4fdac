// A keep-alive client written with Microsoft's C++ REST SDK 2.10 (one reused http_client), driven by compare_bench
// over stdin/stdout so that its calls alternate with serverops' on the same emulator endpoint and request.
// Its own executable: it compiles against Boost 1.74's headers (the SDK's), serverops against 1.81's, so it includes
// nothing of serverops. Protocol (peer_protocol.hpp): configuration lines, "start", then "run N" blocks.
#include "peer_protocol.hpp"

#include <cpprest/http_client.h>
#include <cpprest/json.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

namespace {

namespace http = web::http;

struct cpprest_caller {
    explicit cpprest_caller(const peer_protocol::request_spec& spec)
        : client(utility::conversions::to_string_t(spec.origin())), spec(spec) {}

    // A fresh http_request per call (the SDK's requests are single-use), as its users write it.
    bool call() {
        http::http_request req(spec.method == "POST" ? http::methods::POST : http::methods::GET);
        req.set_request_uri(utility::conversions::to_string_t(spec.target));
        for (const auto& [name, value] : spec.headers) req.headers().add(name, value);
        if (!spec.body.empty()) req.set_body(spec.body, "application/json");
        http::http_response res = client.request(req).get();
        const web::json::value body = res.extract_json(true).get();
        return res.status_code() == http::status_codes::OK && !body.is_null();
    }

    http::client::http_client client;
    const peer_protocol::request_spec& spec;
};

}  // namespace

int main() {
    std::optional<cpprest_caller> caller;
    return peer_protocol::serve(std::cin, std::cout, [&](const peer_protocol::request_spec& spec, int n) {
        try {
            if (!caller) caller.emplace(spec);
            for (int i = 0; i < n; ++i)
                if (!caller->call()) return false;
            return true;
        } catch (const std::exception& e) {
            std::cerr << "cpprest_peer: " << e.what() << '\n';
            return false;
        }
    });
}
