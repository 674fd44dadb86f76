# Loads the "complete example" of docs/registry-definitions.md with `orp registries`, so the
# documented schema and the loader cannot drift apart.
# Run as: cmake -DORP=... -DDOC=... -DWORK_DIR=... -P registry_doc_example.cmake
file(READ ${DOC} doc)
string(FIND "${doc}" "## A complete example" at)
string(SUBSTRING "${doc}" ${at} -1 rest)
string(FIND "${rest}" "```toml\n" start)
math(EXPR start "${start} + 8")
string(SUBSTRING "${rest}" ${start} -1 rest)
string(FIND "${rest}" "```" end)
string(SUBSTRING "${rest}" 0 ${end} example)
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${WORK_DIR}/example.toml "${example}")
execute_process(COMMAND ${ORP} registries show DEMO --dir ${WORK_DIR}/example.toml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the documented example does not load: ${err}")
endif()
message(STATUS "${out}")
