// One test for "has the caller asked this composed operation to stop?", for every async operation of the library.
#ifndef SERVEROPS_DETAIL_CANCELLATION_HPP
#define SERVEROPS_DETAIL_CANCELLATION_HPP

#include <boost/asio/cancellation_type.hpp>

namespace serverops::detail {

/// True once any cancellation type was emitted on `self`'s slot (async_compose filters it to what the operation
/// accepts: terminal by default).
template <class Self>
bool cancellation_requested(Self& self) {
    return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace serverops::detail

#endif
