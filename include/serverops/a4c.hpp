// Every Alien4Cloud 3.0 operation of serverops: maintenance mode and authentication.
#ifndef SERVEROPS_A4C_HPP
#define SERVEROPS_A4C_HPP

#include <serverops/a4c/context.hpp>
#include <serverops/a4c/login.hpp>
#include <serverops/a4c/maintenance.hpp>
#include <serverops/a4c/types.hpp>

#endif
