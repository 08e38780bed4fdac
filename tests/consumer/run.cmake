# Installs serverops one component at a time into a scratch prefix and builds tests/consumer against it:
#  1. `--component client`: exactly the client headers (none of cmake/serveropsTestingHeaders.cmake's), the package
#     config and the LICENSE; a consumer asking for COMPONENTS testing fails to configure, one that does not builds
#     and runs on serverops::serverops;
#  2. then `--component testing`: exactly the testing headers more, and a consumer of serverops::testing builds and
#     runs.
# Arguments: SOURCE_DIR, BUILD_DIR, GENERATOR.
cmake_minimum_required(VERSION 3.20)
file(REMOVE_RECURSE ${BUILD_DIR})
set(prefix ${BUILD_DIR}/prefix)
include(${SOURCE_DIR}/cmake/serveropsTestingHeaders.cmake)

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

# Fails unless the headers installed under ${prefix} are exactly `expected` (paths relative to include/).
function(expect_headers what expected)
  file(GLOB_RECURSE installed RELATIVE ${prefix}/include ${prefix}/include/*)
  list(SORT installed)
  list(SORT expected)
  if(NOT installed STREQUAL expected)
    set(extra ${installed})
    list(REMOVE_ITEM extra ${expected})
    set(missing ${expected})
    list(REMOVE_ITEM missing ${installed})
    message(FATAL_ERROR "${what}: installed headers differ from the source tree\n  not expected: ${extra}\n"
                        "  missing: ${missing}")
  endif()
  list(LENGTH installed n)
  message(STATUS "${what}: ${n} headers, as expected")
endfunction()

# The source tree's headers, split by the same list the install rules use.
file(GLOB_RECURSE all_headers RELATIVE ${SOURCE_DIR}/include ${SOURCE_DIR}/include/*)
set(client_headers)
set(testing_headers)
foreach(h IN LISTS all_headers)
  if("/${h}" MATCHES "${serverops_testing_headers_regex}")
    list(APPEND testing_headers ${h})
  else()
    list(APPEND client_headers ${h})
  endif()
endforeach()
if(NOT testing_headers OR NOT "serverops/testing/mock_transport.hpp" IN_LIST client_headers)
  message(FATAL_ERROR "the split is wrong: testing = ${testing_headers}")
endif()

step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR}/lib -G ${GENERATOR} -DSERVEROPS_BUILD_TESTS=OFF
     -DSERVEROPS_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX=${prefix})

# 1. The client alone.
step(${CMAKE_COMMAND} --install ${BUILD_DIR}/lib --component client)
expect_headers("client component" "${client_headers}")
if(NOT EXISTS ${prefix}/share/doc/serverops/LICENSE)
  message(FATAL_ERROR "client component: no share/doc/serverops/LICENSE")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${BUILD_DIR}/no-testing -G ${GENERATOR}
                        -DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_TESTING=ON
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "component 'testing' is not installed")
  message(FATAL_ERROR "COMPONENTS testing without the testing component: expected a clear failure, got (${rc}):\n"
                      "${out}")
endif()
message(STATUS "COMPONENTS testing without the testing component fails, as expected")
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${BUILD_DIR}/app -G ${GENERATOR}
     -DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_TESTING=OFF)
step(${CMAKE_COMMAND} --build ${BUILD_DIR}/app)
step(${BUILD_DIR}/app/consumer)

# 2. Plus the testing component.
step(${CMAKE_COMMAND} --install ${BUILD_DIR}/lib --component testing)
expect_headers("client + testing components" "${all_headers}")
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${BUILD_DIR}/app -DCONSUMER_TESTING=ON)
step(${CMAKE_COMMAND} --build ${BUILD_DIR}/app)
step(${BUILD_DIR}/app/consumer_testing)
