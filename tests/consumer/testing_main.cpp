// Uses the installed testing component through serverops::testing. Only light emulator headers are compiled, to
// keep this build cheap; run.cmake checks that every testing header is installed.
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/faults.hpp>

#include <iostream>

int main() {
    serverops::testing::emulator_clock clock(true);  // manual: moves only when advanced
    clock.advance(std::chrono::seconds(5));
    auto f = serverops::testing::fault::unavailable(std::chrono::seconds(3));
    if (f.response.status != 503 || clock.jumped() != std::chrono::seconds(5)) {
        std::cerr << "consumer_testing: unexpected fault\n";
        return 1;
    }
    std::cout << "consumer_testing: ok\n";
    return 0;
}
