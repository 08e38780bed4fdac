// serverops: typed maintenance-mode and power operations over pluggable transports.
// This umbrella header includes the core and every vendor module; include the parts you use to keep TUs light.
#ifndef SERVEROPS_HPP
#define SERVEROPS_HPP

#include <serverops/client.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/operation.hpp>
#include <serverops/transport.hpp>
#include <serverops/vendor.hpp>
#include <serverops/version.hpp>

#include <serverops/a4c.hpp>
#include <serverops/clc.hpp>
#include <serverops/ucs.hpp>

#endif
