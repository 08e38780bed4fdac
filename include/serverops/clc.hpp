// Every CenturyLink Cloud v2 operation of serverops.
#ifndef SERVEROPS_CLC_HPP
#define SERVEROPS_CLC_HPP

#include <serverops/operation.hpp>
#include <serverops/clc/batch_operations.hpp>
#include <serverops/clc/context.hpp>
#include <serverops/clc/login.hpp>
#include <serverops/clc/queue.hpp>
#include <serverops/clc/server_actions.hpp>
#include <serverops/clc/servers.hpp>
#include <serverops/clc/types.hpp>

#endif
