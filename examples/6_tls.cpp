// 6. TLS: the peer's certificate chain and its host name are verified by default. Here the emulator serves HTTPS
//    with a certificate made on the spot; trusting it takes its CA PEM. A host name the certificate does not name is
//    refused. (`insecure_skip_tls_verify` exists, loudly named, for lab gear you cannot fix.)
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <iostream>

namespace clc = serverops::clc;

int main() {
    auto tls = serverops::testing::make_self_signed_tls("localhost");  // SAN: localhost, 127.0.0.1, ::1
    if (!tls) return 3;
    serverops::testing::emulator_options options;
    options.tls = tls.value();
    serverops::testing::emulator emulator(options);  // on 127.0.0.1, which the certificate names
    options.address = "127.0.0.2";                   // a loopback address the certificate does not name
    serverops::testing::emulator impostor(options);
    if (!emulator.start() || !impostor.start()) return 3;

    serverops::transport_options transport;
    transport.tls.ca_pem = tls.value().certificate_chain_pem;  // trust exactly this CA

    auto connect = [&](const std::string& host, unsigned short port) {
        const std::string url = "https://" + host + ":" + std::to_string(port) + "/v2";
        return clc::session<serverops::beast_sync_transport>(
            serverops::beast_sync_transport(serverops::parse_endpoint(url).value(), transport), {"user", "password"},
            clc::context::from_base_url(url).value());
    };

    auto good = connect("127.0.0.1", emulator.port());
    auto ok = good.call(clc::get_server{"WA1ALIASWB01"});
    std::cout << "https://127.0.0.1: " << (ok ? "verified, " + ok.value().name : ok.error().message()) << '\n';

    auto wrong = connect("127.0.0.2", impostor.port());
    auto refused = wrong.call(clc::get_server{"WA1ALIASWB01"});
    std::cout << "https://127.0.0.2: " << (refused ? "accepted?!" : refused.error().message()) << '\n';

    return ok && !refused && refused.error().is(serverops::errc::tls_failure) ? 0 : 1;
}
