// An emulator of all four APIs on one loopback port: CenturyLink Cloud v2 (built in), Alien4Cloud 3.0, Genesys UCS 8.5
// and DMTF Redfish.
//
//     serverops::testing::full_emulator emu;            // 127.0.0.1, ephemeral port
//     if (!emu.start()) ...;
//     emu.clc_base_url();   // "http://127.0.0.1:PORT/v2"
//     emu.a4c_base_url();   // "http://127.0.0.1:PORT"      (/login, /logout, /rest/...)
//     emu.ucs_base_url();   // "http://127.0.0.1:PORT"      (/server/mode, /server/status); with
//                           //   options.ucs.prefix = "/genesys/1/cs": "http://127.0.0.1:PORT/genesys/1/cs"
//     emu.redfish_base_url(); // "http://127.0.0.1:PORT"     (/redfish/v1/...; user "admin", password "redfish-demo")
//     emu.a4c().add_user("sam", "sam", false);
//     emu.ucs().set_switch_delay(std::chrono::seconds(1));
//
// The paths do not overlap: CLC owns /v2/..., A4C /login, /logout and /rest/..., UCS /server/... (or everything under
// its prefix), Redfish /redfish/... . Everything else of `emulator` (faults, request counts, the clock, TLS) applies to
// all four.
#ifndef SERVEROPS_TESTING_FULL_EMULATOR_HPP
#define SERVEROPS_TESTING_FULL_EMULATOR_HPP

#include <serverops/testing/emulator.hpp>
#include <serverops/testing/emulator/a4c_module.hpp>
#include <serverops/testing/emulator/redfish_module.hpp>
#include <serverops/testing/emulator/ucs_module.hpp>

#include <memory>
#include <string>
#include <utility>

namespace serverops::testing {

struct full_emulator_options : emulator_options {
    a4c_options a4c;  ///< `scheme` follows `tls` unless set to something else than "http"
    ucs_options ucs;
    redfish_options redfish;
};

class full_emulator : public emulator {
public:
    using options = full_emulator_options;

    explicit full_emulator(options opts = {}) : emulator(opts) {
        if (opts.tls && opts.a4c.scheme == "http") opts.a4c.scheme = "https";
        a4c_ = std::make_shared<a4c_module>(clock(), std::move(opts.a4c));
        ucs_ = std::make_shared<ucs_module>(clock(), std::move(opts.ucs));
        redfish_ = std::make_shared<redfish_module>(clock(), std::move(opts.redfish));
        (void)add_module(a4c_);  // cannot fail: not started yet, modules not null
        (void)add_module(ucs_);
        (void)add_module(redfish_);
    }

    a4c_module& a4c() noexcept { return *a4c_; }
    ucs_module& ucs() noexcept { return *ucs_; }
    redfish_module& redfish() noexcept { return *redfish_; }

    /// The Alien4Cloud server root, e.g. "http://127.0.0.1:PORT" (plus `a4c_options::root` when set).
    std::string a4c_base_url() const { return base_url(a4c_->options().root); }
    /// The UCS service root, e.g. "http://127.0.0.1:PORT" or "http://127.0.0.1:PORT/genesys/1/cs".
    std::string ucs_base_url() const { return base_url(ucs_->prefix()); }
    /// The Redfish service's origin, e.g. "http://127.0.0.1:PORT" (the service root is /redfish/v1 below it).
    std::string redfish_base_url() const { return base_url(""); }

private:
    std::shared_ptr<a4c_module> a4c_;
    std::shared_ptr<ucs_module> ucs_;
    std::shared_ptr<redfish_module> redfish_;
};

}  // namespace serverops::testing

#endif
