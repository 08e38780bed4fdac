// Every Genesys Context Services (UCS 8.5) operation of serverops: server mode.
#ifndef SERVEROPS_UCS_HPP
#define SERVEROPS_UCS_HPP

#include <serverops/ucs/context.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/ucs/types.hpp>

#endif
