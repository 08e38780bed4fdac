# Builds one compile-fail target. Passes when the build fails and its first error line holds EXPECT (the readable
# static_assert of serverops, not a list of overload candidates).
# Arguments: -DBUILD_DIR=... -DTARGET=... -DEXPECT=... [-DCONFIG=...]
set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET} ${config_args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but it must be rejected")
endif()
string(REGEX MATCH "[^\n]*error:[^\n]*" first_error "${out}")
string(FIND "${first_error}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${TARGET}: the first error is not the expected one\n"
                      "expected: ${EXPECT}\nfirst error: ${first_error}\n--- full output ---\n${out}")
endif()
message(STATUS "${TARGET}: rejected with: ${first_error}")
