// ucs::session: Genesys UCS through the shared serverops::session (retries of idempotent calls, logging). UCS uses
// static HTTP Basic credentials from the context, so there is no login step.
#ifndef SERVEROPS_UCS_SESSION_HPP
#define SERVEROPS_UCS_SESSION_HPP

#include <serverops/session.hpp>
#include <serverops/ucs/context.hpp>

namespace serverops::ucs {

/// HTTP Basic (or nothing): the context always carries what it has; a 401 is final.
struct basic_authenticator {
    using context_type = context;
    bool has_credentials(const context&) const { return true; }
    void forget(context&) const {}
    bool is_rejection(const error&) const { return false; }
};

template <class Transport>
using session = serverops::session<Transport, basic_authenticator>;

}  // namespace serverops::ucs

#endif
