// Picks the vendor module for a request. Modules are registered before the server starts and never change
// afterwards, so dispatch needs no lock.
#ifndef SERVEROPS_TESTING_EMULATOR_ROUTER_HPP
#define SERVEROPS_TESTING_EMULATOR_ROUTER_HPP

#include <serverops/testing/emulator/module.hpp>

#include <memory>
#include <vector>

namespace serverops::testing {

class router {
public:
    void add(std::shared_ptr<module> m) {
        if (m) modules_.push_back(std::move(m));
    }

    const std::vector<std::shared_ptr<module>>& modules() const noexcept { return modules_; }

    /// The owning module's answer; 404 with an empty body when no module claims the path; 500 when a module
    /// fails unexpectedly (e.g. out of memory): a test server must survive its own bugs.
    http_response dispatch(const request_view& request) const noexcept {
        try {
            for (auto& m : modules_)
                if (m->handles(request.path)) return m->handle(request);
            return empty_response(404);
        } catch (...) {
            return internal_error();
        }
    }

private:
    static http_response internal_error() noexcept {
        http_response r;
        try {
            r = message_response(500, "An error has occurred.");
        } catch (...) {
            r.status = 500;
        }
        return r;
    }

    std::vector<std::shared_ptr<module>> modules_;
};

}  // namespace serverops::testing

#endif
