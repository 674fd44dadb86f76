# Runs a command that must fail: exit code non-zero and stderr matching EXPECT_STDERR (a regex).
# Run as: cmake -DCOMMAND="a;b;c" -DEXPECT_STDERR=regex -P expect_failure.cmake
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "expected a failure, but the command succeeded:\n${out}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "exit ${rc}; stderr did not match '${EXPECT_STDERR}':\n${err}")
endif()
message(STATUS "failed as expected (exit ${rc}): ${err}")
