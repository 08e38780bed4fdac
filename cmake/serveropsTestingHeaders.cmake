# What the `testing` package component holds, relative to include/serverops/testing/: the emulator (a 3.5k-line Beast
# server of the three APIs) and the transport conformance check. Everything else under include/ is the client
# component, mock_transport.hpp included: users' unit tests need it and it needs nothing the client does not.
# Read by CMakeLists.txt (install rules) and tests/consumer/run.cmake (which checks each component installs exactly
# its files). A name listed here that does not exist yet is skipped.
set(serverops_testing_headers emulator emulator.hpp full_emulator.hpp transport_conformance.hpp)

# serverops_testing_headers as one regular expression matching their installed or source paths (a directory and
# everything below it).
set(serverops_testing_headers_regex)
foreach(name IN LISTS serverops_testing_headers)
  string(REPLACE "." "\\." name "${name}")
  list(APPEND serverops_testing_headers_regex "${name}")
endforeach()
list(JOIN serverops_testing_headers_regex "|" serverops_testing_headers_regex)
set(serverops_testing_headers_regex "/serverops/testing/(${serverops_testing_headers_regex})(/.*)?$")
