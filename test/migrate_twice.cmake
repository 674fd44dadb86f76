# orp migrate on a new file creates the schema and the key file; a second run applies nothing.
# Run as: cmake -DORP=path/to/orp -DWORK_DIR=dir -P migrate_twice.cmake (CTest does this).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(db sqlite:${WORK_DIR}/orp.db)
execute_process(COMMAND ${ORP} migrate --db ${db} --key-file ${WORK_DIR}/orp.key --format csv
                OUTPUT_VARIABLE first RESULT_VARIABLE rc1)
execute_process(COMMAND ${ORP} migrate --db ${db} --key-file ${WORK_DIR}/orp.key --format csv
                OUTPUT_VARIABLE second RESULT_VARIABLE rc2)
file(REMOVE_RECURSE ${WORK_DIR})
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "orp migrate failed: ${rc1} / ${rc2}")
endif()
if(NOT first MATCHES "migrations_applied,0001_core" OR NOT first MATCHES "orp.key \\(created\\)")
  message(FATAL_ERROR "first run did not create the schema and key file:\n${first}")
endif()
if(NOT second MATCHES "migrations_applied,none" OR NOT second MATCHES "orp.key \\(present\\)")
  message(FATAL_ERROR "second run changed something:\n${second}")
endif()
