// serverops CLI: --help texts, one per level (tool, system, command).
#ifndef SERVEROPS_CLI_HELP_HPP
#define SERVEROPS_CLI_HELP_HPP

#include <string>
#include <string_view>
#include <vector>

namespace serverops_cli::help {

inline constexpr std::string_view exit_codes =
    "Exit codes:\n"
    "  0    everything succeeded: each target is in the state asked for (unchanged or changed)\n"
    "  1    some servers or the operation failed (the API answered; per-server errors are in the output)\n"
    "  2    usage error: bad arguments or configuration; nothing was sent\n"
    "  3    authentication, transport, TLS or server error before any result\n"
    "  130  stopped by SIGINT (Ctrl+C), 143 by SIGTERM: a command that queues work or waits first prints what\n"
    "       it knows (queued servers and their job ids, the mode requested); a second signal stops it at once\n"
    "\n"
    "When a state change fails in a way that does not say whether the server acted (a 5xx, a timeout or a lost\n"
    "connection after the request was sent, an answer that cannot be read), stderr says \"the request may have\n"
    "been executed: check the servers' state before retrying\" (with --json, \"mayHaveExecuted\":true on stdout).\n";

inline constexpr std::string_view top =
    "Usage: serverops SYSTEM [OPTIONS] COMMAND ...\n"
    "\n"
    "Puts servers in and out of maintenance mode and drives their power state through the REST APIs of\n"
    "CenturyLink Cloud v2, Alien4Cloud 3.0, Genesys UCS 8.5 and DMTF Redfish (the BMCs of physical servers).\n"
    "\n"
    "Systems:\n"
    "  clc          CenturyLink Cloud v2: maintenance and power batches, job status, one server\n"
    "  alien4cloud  Alien4Cloud 3.0 maintenance mode (alias: a4c)\n"
    "  ucs          Genesys UCS 8.5 server mode\n"
    "  redfish      DMTF Redfish: computer systems and their power (ComputerSystem.Reset)\n"
    "  emulator     run the embedded emulator of all four systems on 127.0.0.1\n"
    "  plan         a maintenance window across the systems: check|apply|resume|revert|status PLAN\n"
    "\n"
    "Credentials are read from the environment only, never from arguments:\n"
    "  CLC_USERNAME, CLC_PASSWORD, CLC_ALIAS, CLC_BASE_URL (default https://api.ctl.io/v2)\n"
    "  A4C_USERNAME, A4C_PASSWORD, A4C_BASE_URL\n"
    "  UCS_USERNAME, UCS_PASSWORD (HTTP Basic, only when set), UCS_BASE_URL\n"
    "  REDFISH_USERNAME, REDFISH_PASSWORD, REDFISH_BASE_URL (the service's origin, e.g. https://bmc.example)\n"
    "\n"
    "Common options (any position after the system):\n"
    "  --base-url URL              API base URL (overrides the environment)\n"
    "  --ca-file FILE              trust the CA certificates in FILE (PEM) instead of the system store\n"
    "  --insecure-skip-tls-verify  do not verify the server's certificate or host name (warns on stderr)\n"
    "  --request-timeout SECONDS   bound of each HTTP request, its connect and TLS handshake included (default 30;\n"
    "                              decimals allowed)\n"
    "  --json                      print one JSON document on stdout\n"
    "  --help, -h                  show help for the current level\n"
    "\n"
    "Time limits: every call to an API ends within --request-timeout (default 30 s), its login, retries and\n"
    "Retry-After pauses included; inside it each HTTP request gets connect 10 s, TLS handshake 10 s and 30 s to\n"
    "send the request and read the answer, each cut to the time left. State changes that must not run twice (clc\n"
    "batches, a4c maintenance enable/disable/update) are sent once; reads and logins are retried while time is\n"
    "left. Without --wait a command ends within --request-timeout ('clc status' of N jobs: (N + 1) times it).\n"
    "With --wait, --timeout bounds the waiting that follows, every status request of it included.\n"
    "\n"
    "Desired state: the commands that bring targets to a state (clc start-maintenance, stop-maintenance,\n"
    "set-maintenance, power-on, power-off, shut-down, pause; alien4cloud maintenance enable|disable; ucs mode set;\n"
    "redfish power on|force-off|graceful-shutdown)\n"
    "read the current state first and send the change only to the targets not already in that state; those are\n"
    "reported \"unchanged\" (JSON: \"outcome\":\"unchanged\") and count as success. A state that cannot be told\n"
    "(undocumented, or the target is unknown to the read) is never \"unchanged\": the change is sent. A read that\n"
    "fails for a reason not about the target (credentials, transport, 5xx) ends the command before anything is\n"
    "sent. --force sends the change to every target without reading (reboot and reset always do).\n"
    "\n"
    "Run 'serverops SYSTEM --help' or 'serverops SYSTEM COMMAND --help' for more.\n"
    "\n";

inline constexpr std::string_view clc =
    "Usage: serverops clc [--base-url URL] [--alias ALIAS] COMMAND ...\n"
    "\n"
    "Batch commands (one job per batch; results in the order the servers were given):\n"
    "  start-maintenance ID...     stop-maintenance ID...     set-maintenance ID=on|off ...\n"
    "  shut-down ID...   power-on ID...   power-off ID...   pause ID...   reboot ID...   reset ID...\n"
    "    [--wait] [--timeout SECONDS] [--poll-interval SECONDS] [--force (all but reboot and reset)]\n"
    "Other commands:\n"
    "  status JOB-ID... [--wait] [--timeout SECONDS] [--poll-interval SECONDS]\n"
    "  server ID\n"
    "\n"
    "Options:\n"
    "  --base-url URL              default: $CLC_BASE_URL, else https://api.ctl.io/v2\n"
    "  --alias ALIAS               account alias (default: $CLC_ALIAS, else the login's)\n"
    "  --wait                      wait for the jobs; progress on stderr (redrawn on a terminal)\n"
    "  --timeout SECONDS           give up waiting after this long (default 900)\n"
    "  --poll-interval SECONDS     time between status polls (default 2)\n"
    "  --force                     send the batch for every server given, without reading their state first\n"
    "  --ca-file FILE              trust the CA certificates in FILE (PEM) instead of the system store\n"
    "  --insecure-skip-tls-verify  do not verify the server's certificate or host name (warns on stderr)\n"
    "  --request-timeout SECONDS   bound of each HTTP request (default 30; see 'serverops --help')\n"
    "  --json                      print one JSON document on stdout\n"
    "\n"
    "State commands (all batches but reboot and reset) first read each server (GET /v2/servers) and send the\n"
    "batch only for the servers not already in the state asked for: powerState started (power-on), stopped\n"
    "(power-off, shut-down), paused (pause); inMaintenanceMode true/false (start-, stop-, set-maintenance). The\n"
    "others are reported \"unchanged\" and nothing is sent for them; --force sends for every server.\n"
    "\n"
    "Ctrl+C (SIGINT) or SIGTERM during a batch or a wait: the queued servers and their job ids are printed (JSON\n"
    "with --json, plus \"interrupted\":\"SIGINT\"), the jobs go on; exit 130 or 143.\n"
    "\n"
    "Environment: CLC_USERNAME and CLC_PASSWORD (required), CLC_ALIAS, CLC_BASE_URL.\n"
    "\n"
    "JSON of a batch: {\"operation\":\"startMaintenance\",\"results\":[{\"server\":\"WA1ALIASWB01\",\"queued\":true,\n"
    "  \"job\":\"wa1-12345\",\"status\":\"succeeded\"},\n"
    "  {\"server\":\"WA1ALIASWB02\",\"queued\":false,\"error\":\"...\"}]}\n"
    "  (\"status\" when waited on, \"error\" when that server failed). State commands add to every result\n"
    "  \"outcome\" (unchanged, accepted, changed or failed) and the state read (\"powerState\" or\n"
    "  \"inMaintenanceMode\"); an unchanged server has no \"queued\": nothing was sent for it.\n"
    "\n";

inline std::string clc_batch(std::string_view word, std::string_view operation) {
    std::string operand = word == "set-maintenance" ? "ID=on|off ..." : "ID...";
    const bool state = word != "reboot" && word != "reset";
    std::string out = "Usage: serverops clc " + std::string(word) + " " + operand +
                      " [--wait] [--timeout SECONDS] [--poll-interval SECONDS]";
    if (state) out += " [--force]";
    out += "\n\n";
    if (word == "set-maintenance")
        out += "Turns maintenance mode on (ID=on) or off (ID=off) per server, in one batch (setMaintenance).\n";
    else
        out += "Queues " + std::string(operation) + " for the servers, in one batch.\n";
    if (state) {
        const std::string_view wanted = word == "power-on"            ? "powerState \"started\""
                                        : word == "power-off"         ? "powerState \"stopped\""
                                        : word == "shut-down"         ? "powerState \"stopped\""
                                        : word == "pause"             ? "powerState \"paused\""
                                        : word == "start-maintenance" ? "inMaintenanceMode true"
                                        : word == "stop-maintenance"  ? "inMaintenanceMode false"
                                                                      : "inMaintenanceMode true (on) or false (off)";
        out += "Desired state: reads each server first and leaves out those already in the state asked for\n(";
        out += wanted;
        out += "): they are reported \"unchanged\" and count as success; nothing is sent when all are.\n"
               "An undocumented state is never \"unchanged\". --force sends for every server without reading.\n";
    }
    out +=
        "Without --wait, prints whether each server was queued and its job id (see 'serverops clc status').\n"
        "With --wait, polls the job until it ends or the timeout passes; prints each server's final state.\n"
        "\n"
        "Options:\n"
        "  --wait                      wait for the job; progress on stderr (redrawn on a terminal)\n"
        "  --timeout SECONDS           give up waiting after this long (default 900)\n"
        "  --poll-interval SECONDS     time between status polls (default 2)\n";
    if (state) out += "  --force                     send for every server given, without reading their state\n";
    out +=
        "  --base-url URL, --alias ALIAS, --ca-file FILE, --insecure-skip-tls-verify, --request-timeout SECONDS:\n"
        "                              see 'serverops clc --help'\n"
        "  --json                      one document: {\"operation\":...,\"results\":[{\"server\",\"queued\",\"job\",\n"
        "                              \"status\",\"error\"}]}, results in the order the servers were given\n"
        "\n"
        "Exit: 0 all queued or unchanged (all succeeded or unchanged with --wait); 1 some servers were not\n"
        "queued, did not succeed, or could not be read;\n"
        "2 usage error; 3 authentication, transport or server error before any result (when the batch may have\n"
        "been queued all the same, stderr says so: check the servers' state before retrying); 130/143 stopped by\n"
        "SIGINT/SIGTERM after printing the queued servers and their job ids.\n";
    return out;
}

inline constexpr std::string_view clc_status =
    "Usage: serverops clc status JOB-ID... [--wait] [--timeout SECONDS] [--poll-interval SECONDS]\n"
    "\n"
    "Reads the status of queued jobs once (notStarted, executing, succeeded, failed, resumed, unknown), or with\n"
    "--wait polls until each has ended or the timeout passes.\n"
    "JSON: {\"operation\":\"getStatus\",\"results\":[{\"job\":\"wa1-12345\",\"status\":\"succeeded\"},\n"
    "       {\"job\":..,\"error\":..}]}\n"
    "\n"
    "Exit: 0 every job read (and succeeded, with --wait) and none failed; 1 some job failed, is unknown or could\n"
    "not be read; 2 usage error; 3 authentication or transport error before any result.\n";

inline constexpr std::string_view clc_server =
    "Usage: serverops clc server ID\n"
    "\n"
    "Shows one server: status, power state, maintenance mode, size. With --json, the decoded server object\n"
    "(id, name, status, powerState, inMaintenanceMode, cpu, memoryMB, storageGB, snapshots, links, ...).\n"
    "\n"
    "Exit: 0 found; 1 the API refused (e.g. no such server, HTTP 404); 2 usage error; 3 authentication,\n"
    "transport or server error.\n";

inline constexpr std::string_view a4c =
    "Usage: serverops alien4cloud [--base-url URL] maintenance status|enable|disable|update\n"
    "                             [--message M] [--progress P]\n"
    "\n"
    "Alien4Cloud 3.0 maintenance mode (needs the ADMIN role to change it). 'a4c' is an alias of 'alien4cloud'.\n"
    "  maintenance status          show whether maintenance is on, its progress and log\n"
    "  maintenance enable          turn maintenance on (already on: unchanged, exit 0)\n"
    "  maintenance update          add --message M to the log and/or set --progress P (0 to 100)\n"
    "  maintenance disable         turn maintenance off (already off: unchanged, exit 0)\n"
    "    --force                   enable or disable without reading the state first\n"
    "\n"
    "Options: --base-url URL (default: $A4C_BASE_URL), --ca-file FILE, --insecure-skip-tls-verify,\n"
    "         --request-timeout SECONDS, --json\n"
    "Environment: A4C_USERNAME and A4C_PASSWORD (required; form login), A4C_BASE_URL.\n"
    "\n"
    "Exit: 0 done or unchanged; 1 the API refused (with --force: already on, not on; update: not on); 2 usage\n"
    "error; 3 authentication, rights, transport or server error.\n";

inline constexpr std::string_view a4c_maintenance_status =
    "Usage: serverops alien4cloud maintenance status\n"
    "\n"
    "Shows whether maintenance mode is on and, when it is, who triggered it, its progress and its log.\n"
    "JSON: {\"enabled\":true,\"id\":..,\"user\":..,\"userTriggered\":..,\"progressPercent\":..,\"started\":..,\n"
    "       \"log\":[{\"date\":\"2024-05-01T12:00:00Z\",\"user\":..,\"message\":..}]}\n"
    "      ({\"enabled\":false} when off)\n";

inline constexpr std::string_view a4c_maintenance_enable =
    "Usage: serverops alien4cloud maintenance enable [--force]\n"
    "\n"
    "Turns maintenance mode on (every other REST call then answers 503). Reads the state first: already on is\n"
    "reported \"maintenance: unchanged (already on)\" and nothing is sent (exit 0). With --force, sends the\n"
    "request without reading; already on is then the API's refusal (exit 1).\n"
    "JSON: {\"operation\":\"enableMaintenance\",\"succeeded\":true,\"outcome\":\"changed\"|\"unchanged\"}\n"
    "      (no \"outcome\" with --force)\n";

inline constexpr std::string_view a4c_maintenance_disable =
    "Usage: serverops alien4cloud maintenance disable [--force]\n"
    "\n"
    "Turns a user-triggered maintenance mode off. Reads the state first: already off is reported\n"
    "\"maintenance: unchanged (already off)\" and nothing is sent (exit 0). With --force, sends the request\n"
    "without reading; not on is then the API's refusal (exit 1).\n"
    "JSON: {\"operation\":\"disableMaintenance\",\"succeeded\":true,\"outcome\":\"changed\"|\"unchanged\"}\n"
    "      (no \"outcome\" with --force)\n";

inline constexpr std::string_view a4c_maintenance_update =
    "Usage: serverops alien4cloud maintenance update [--message M] [--progress P]\n"
    "\n"
    "Appends M to the maintenance log and/or sets the progress to P percent (an integer 0 to 100); at least one\n"
    "of the two is required. Maintenance not on: exit 1.\n"
    "JSON: {\"operation\":\"updateMaintenance\",\"succeeded\":true}\n";

inline constexpr std::string_view ucs =
    "Usage: serverops ucs [--base-url URL] mode get|set maintenance|production [--wait] [--timeout SECONDS]\n"
    "\n"
    "Genesys UCS 8.5 (Context Services) server mode.\n"
    "  mode get                    show the server's mode and status\n"
    "  mode set MODE               switch to maintenance or production mode (already in it: unchanged, exit 0)\n"
    "    --wait                    then poll the status until the server reports MODE\n"
    "    --force                   switch without reading the mode first\n"
    "    --timeout SECONDS         give up waiting after this long (default 900)\n"
    "    --poll-interval SECONDS   time between status polls (default 2)\n"
    "\n"
    "Options: --base-url URL (default: $UCS_BASE_URL), --ca-file FILE, --insecure-skip-tls-verify,\n"
    "         --request-timeout SECONDS, --json\n"
    "Environment: UCS_BASE_URL; UCS_USERNAME and UCS_PASSWORD for HTTP Basic (sent only when set).\n"
    "\n"
    "Exit: 0 done; 1 the API refused or the wait timed out; 2 usage error; 3 authentication, transport or\n"
    "server error (503 while the server switches modes included); 130/143 SIGINT/SIGTERM during the switch or\n"
    "the wait (the mode requested is printed first).\n";

inline constexpr std::string_view ucs_mode_get =
    "Usage: serverops ucs mode get\n"
    "\n"
    "Shows the server's mode (maintenance or production) and what its status page reports.\n"
    "JSON: {\"mode\":\"production\",\"version\":..,\"system_time\":..,\"started\":..,\"max_memory\":.., ...}\n";

inline constexpr std::string_view ucs_mode_set =
    "Usage: serverops ucs mode set maintenance|production [--wait] [--timeout SECONDS] [--poll-interval SECONDS]\n"
    "                              [--force]\n"
    "\n"
    "Reads the server's mode first: already in MODE is reported \"mode: unchanged (already MODE)\" and nothing is\n"
    "sent (exit 0). Otherwise asks the server to switch modes; with --wait, polls its status until it reports the\n"
    "mode (progress on stderr). --force switches without reading.\n"
    "JSON: {\"mode\":\"maintenance\",\"location\":\"/server/status\",\"outcome\":\"accepted\"}, plus \"status\":{...}\n"
    "and \"outcome\":\"changed\" with --wait; unchanged: {\"mode\":..,\"outcome\":\"unchanged\",\"status\":{...}}\n"
    "(no \"outcome\" with --force).\n";

inline constexpr std::string_view redfish =
    "Usage: serverops redfish [--base-url URL] [--auth auto|session|basic] systems\n"
    "       serverops redfish [--base-url URL] [--auth auto|session|basic] system ID\n"
    "       serverops redfish [--base-url URL] [--auth ...] power ACTION ID... [--wait] [--timeout SECONDS]\n"
    "                         [--poll-interval SECONDS] [--force]\n"
    "\n"
    "DMTF Redfish (iDRAC, iLO, XCC, OpenBMC, ...): computer systems and their power state.\n"
    "  systems                     list the members of /redfish/v1/Systems\n"
    "  system ID                   show one system: its PowerState and the reset types it allows\n"
    "  power ACTION ID...          post ComputerSystem.Reset to each system (see 'serverops redfish power --help')\n"
    "\n"
    "  --auth auto|session|basic   auto (default): a session (X-Auth-Token) when the service root links a\n"
    "                              SessionService, HTTP Basic otherwise; the session is deleted at the end\n"
    "Options: --base-url URL (default: $REDFISH_BASE_URL), --ca-file FILE, --insecure-skip-tls-verify,\n"
    "         --request-timeout SECONDS, --json\n"
    "Environment: REDFISH_BASE_URL, REDFISH_USERNAME, REDFISH_PASSWORD (required).\n"
    "\n"
    "Exit: 0 done; 1 the service answered and some system failed (unknown system, reset type not allowed, wait\n"
    "timed out); 2 usage error; 3 authentication, transport, TLS or server error before any result; 130/143\n"
    "SIGINT/SIGTERM (the systems already reset are printed first).\n";

inline constexpr std::string_view redfish_system =
    "Usage: serverops redfish systems\n"
    "       serverops redfish system ID\n"
    "\n"
    "systems lists the ids of the Systems collection. system ID reads /redfish/v1/Systems/ID: its PowerState (On,\n"
    "Off, PoweringOn, PoweringOff, Paused), name and the ResetType values it allows.\n"
    "JSON: {\"systems\":[{\"id\":..,\"uri\":..}]};  {\"id\":\"1\",\"power_state\":\"On\",\"name\":..,\"uri\":..,\n"
    "      \"reset_target\":..,\"allowed_reset_types\":[..]}\n";

inline constexpr std::string_view redfish_power =
    "Usage: serverops redfish power ACTION ID... [--wait] [--timeout SECONDS] [--poll-interval SECONDS] [--force]\n"
    "\n"
    "Posts ComputerSystem.Reset to each system, to the target its resource advertises, once (never resent).\n"
    "ACTION (ResetType): on (On), force-off (ForceOff), graceful-shutdown (GracefulShutdown), graceful-restart\n"
    "(GracefulRestart), force-restart (ForceRestart), power-cycle (PowerCycle), nmi (Nmi).\n"
    "Each system is read first: one already in the state ACTION leads to (on: On; force-off and graceful-shutdown:\n"
    "Off) is 'unchanged' and gets nothing; a type the system does not allow is refused before sending.\n"
    "  --wait                    then wait for every accepted reset: its task monitor when the service gave one,\n"
    "                            then PowerState On (on, restarts, power-cycle) or Off (force-off,\n"
    "                            graceful-shutdown); all systems within one --timeout\n"
    "  --timeout SECONDS         give up waiting after this long (default 900)\n"
    "  --poll-interval SECONDS   time between polls (default 2; a task monitor's Retry-After is honoured)\n"
    "  --force                   send the reset without comparing the power state first\n"
    "JSON: {\"operation\":\"reset\",\"reset_type\":\"ForceOff\",\"results\":[{\"system\":\"1\",\"reset_type\":\"ForceOff\",\n"
    "      \"accepted\":true,\"outcome\":\"accepted|changed|unchanged\",\"from\":\"On\",\"power_state\":\"Off\",\n"
    "      \"task\":..,\"error\":..}]}  (power_state with --wait or when unchanged; error when that system failed)\n"
    "Exit: 0 every system is in the state asked for (or its reset accepted, without --wait); 1 some system failed\n"
    "or its wait timed out; 2 usage; 3 authentication, transport or server error before any system answered.\n";

inline constexpr std::string_view emulator =
    "Usage: serverops emulator [--port N] [--tls] [--job-duration SECONDS[:JITTER]] [--switch-window SECONDS]\n"
    "                          [--power-transition SECONDS] [--faults PROFILE] [--seed N]\n"
    "\n"
    "Runs the embedded emulator of CLC v2, Alien4Cloud 3.0, UCS 8.5 and Redfish on 127.0.0.1 in the foreground,\n"
    "prints each base URL and the demo credentials, and stops on Ctrl+C (SIGINT) or SIGTERM.\n"
    "  --port N    listen on port N (default: any free port)\n"
    "  --tls       serve HTTPS with a fresh self-signed certificate (valid for localhost and 127.0.0.1); its\n"
    "              CA PEM is written to a file whose path is printed: pass it to the clients with --ca-file\n"
    "  --job-duration SECONDS[:JITTER]\n"
    "              each CLC job takes SECONDS, give or take up to JITTER (notStarted for the first third, then\n"
    "              executing, then succeeded); default 0.15 (fast, for tests)\n"
    "  --switch-window SECONDS\n"
    "              after a UCS mode change, every UCS request is answered 503 for this long (default 0.2)\n"
    "  --power-transition SECONDS\n"
    "              how long a Redfish system stays PoweringOn / PoweringOff (restarts: both; default 0.1)\n"
    "  --faults PROFILE\n"
    "              misbehave as real servers and networks do: comma-separated NAME=VALUE[:PARAM...] items, e.g.\n"
    "              status-500=0.05,login-401=once,429=0.02:retry-after=2,latency=50ms..300ms,close-mid-response=0.01\n"
    "              NAME: status-NNN or NNN (400-599), login-401, close-before-response, close-mid-response,\n"
    "              truncated-body, malformed-json, latency. VALUE: once, Nx (the next N requests), a probability\n"
    "              (0.05), or for latency a duration or range (50ms, 0.5s, 50ms..300ms). PARAM: retry-after=SECONDS\n"
    "              (status faults), path=TEXT (only targets containing TEXT), method=GET|POST|PUT|PATCH|DELETE|HEAD\n"
    "  --seed N    seed of the random choices (jitter, probabilities, latency): the same seed replays the same run;\n"
    "              default: a fresh one, printed on the \"Run:\" line\n"
    "A realistic run: serverops emulator --job-duration 30:10 --switch-window 60 --faults status-500=0.05,latency=50ms..300ms\n";

inline constexpr std::string_view plan =
    "Usage: serverops plan check|apply|resume|revert|status PLAN [--journal FILE] [--audit FILE]\n"
    "                      [--operator NAME] [--timeout SECONDS] [--resend-uncertain] [--json]\n"
    "\n"
    "Runs a maintenance plan (a JSON file of steps across clc, alien4cloud, ucs and redfish; see docs/plans.md).\n"
    "  check    validate the plan, read every target's state and print per target 'would change FROM -> TO',\n"
    "           'unchanged (already TO)' or 'not reversible', and the exact requests; sends no change\n"
    "  apply    run the steps in order, batch by batch, each change confirmed before the next batch\n"
    "  resume   continue an interrupted run from its journal; a request journaled as sent is never sent again\n"
    "           (targets it cannot decide are named 'uncertain', exit 1; --resend-uncertain sends them again)\n"
    "  revert   restore the prior state of every target this plan changed, in reverse step order\n"
    "  status   what the journal says: the last run and each target's last confirmation\n"
    "\n"
    "  --journal FILE      journal (fsync'd JSON lines; default: PLAN with .json replaced by .journal.jsonl)\n"
    "  --audit FILE        audit log, one JSON line per state-changing request (default ./serverops-audit.jsonl)\n"
    "  --operator NAME     who runs it, in the journal and the audit log (default $USER)\n"
    "  --timeout SECONDS   bound of each wait of a step (default 900)\n"
    "  --poll-interval S   time between status polls of a wait (default 2)\n"
    "  --json              one JSON document on stdout (also on exit 1)\n"
    "Credentials come from the environment of each system (CLC_USERNAME, A4C_USERNAME, REDFISH_USERNAME, ...);\n"
    "a system's base_url in the plan wins over its *_BASE_URL.\n"
    "Exit codes: 0 done; 1 a step failed, a wait timed out or a target is uncertain (journal kept: revert or\n"
    "resume); 2 usage error, invalid plan (the message names its JSON path) or journal state; 3 authentication,\n"
    "transport, TLS or server error before any change; 130/143 stopped by SIGINT/SIGTERM at a safe point.\n";

}  // namespace serverops_cli::help

#endif
