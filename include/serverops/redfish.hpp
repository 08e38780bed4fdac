// Every DMTF Redfish operation of serverops: service root, systems, ComputerSystem.Reset, task monitors, sessions.
// Sessions and authentication: serverops/redfish/session.hpp; waits: redfish/wait.hpp; desired state:
// redfish/desired_state.hpp.
#ifndef SERVEROPS_REDFISH_HPP
#define SERVEROPS_REDFISH_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/login.hpp>
#include <serverops/redfish/reset.hpp>
#include <serverops/redfish/service_root.hpp>
#include <serverops/redfish/systems.hpp>
#include <serverops/redfish/task.hpp>
#include <serverops/redfish/types.hpp>

#endif
