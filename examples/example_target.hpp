// Where an example sends its requests. `example [BASE_URL [ARG...]]`: the base URL is argv[1], else
// $SERVEROPS_BASE_URL when set and not empty, with the vendor's credentials from the environment as the CLI reads
// them ($CLC_USERNAME and $CLC_PASSWORD, $A4C_..., $UCS_...). Without either, the example starts its embedded
// emulator on loopback and uses its demo credentials. ctest runs every example with SERVEROPS_BASE_URL set empty,
// so a test run never reaches a real system.
#ifndef SERVEROPS_EXAMPLES_EXAMPLE_TARGET_HPP
#define SERVEROPS_EXAMPLES_EXAMPLE_TARGET_HPP

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace examples {

struct target {
    std::string base_url;  ///< empty until `use` when `emulated`
    std::string username;
    std::string password;           ///< never printed
    bool emulated = false;          ///< no base URL given: start the emulator, then `use` it
    std::vector<std::string> args;  ///< argv[2...] (e.g. server ids) when a base URL was given on the command line

    void use(std::string url, std::string user, std::string pass) {
        base_url = std::move(url);
        username = std::move(user);
        password = std::move(pass);
    }
    /// `args`, or `fallback` (the emulator's demo ids) when none were given.
    std::vector<std::string> args_or(std::vector<std::string> fallback) const { return args.empty() ? fallback : args; }
};

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

/// `vendor_prefix`: "CLC", "A4C" or "UCS", the prefix of the credential variables.
inline target target_of(int argc, char** argv, std::string_view vendor_prefix) {
    target t;
    if (argc > 1) {
        t.base_url = argv[1];
        t.args.assign(argv + 2, argv + argc);
    } else {
        t.base_url = env("SERVEROPS_BASE_URL");
    }
    t.emulated = t.base_url.empty();
    if (!t.emulated) {
        std::string user_var(vendor_prefix);
        user_var += "_USERNAME";
        std::string password_var(vendor_prefix);
        password_var += "_PASSWORD";
        t.username = env(user_var.c_str());
        t.password = env(password_var.c_str());
    }
    return t;
}

}  // namespace examples

#endif
