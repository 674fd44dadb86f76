# orp ingest on a generated registry: the first load is accepted, the same file again is a
# duplicate that writes nothing, and the deaths feed loads. Run by CTest with ORP, WORK_DIR and
# REGISTRIES set.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${ORP} synth --seed 5 --procedures 400 --out ${WORK_DIR}
                        --definitions ${REGISTRIES} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "orp synth failed: ${rc}")
endif()
file(GLOB files ${WORK_DIR}/submissions/OTR-*.csv)
list(GET files 0 first)
set(db sqlite:${WORK_DIR}/registry.db)
set(args ingest --db ${db} --catalogue ${WORK_DIR}/device-catalogue.csv --definitions ${REGISTRIES}
         --format json ${first})
execute_process(COMMAND ${ORP} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE once)
if(NOT rc EQUAL 0 OR NOT once MATCHES "\"status\":\"(accepted|partially_accepted)\"")
  message(FATAL_ERROR "first ingest: exit ${rc}: ${once}")
endif()
execute_process(COMMAND ${ORP} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE twice)
if(NOT rc EQUAL 0 OR NOT twice MATCHES "\"submission_id\":1,\"status\":\"duplicate\"")
  message(FATAL_ERROR "repeat ingest: exit ${rc}: ${twice}")
endif()
execute_process(COMMAND ${ORP} ingest-deaths --db ${db} --format json ${WORK_DIR}/deaths.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE deaths)
if(NOT rc EQUAL 0 OR NOT deaths MATCHES "\"status\":\"accepted\"")
  message(FATAL_ERROR "ingest-deaths: exit ${rc}: ${deaths}")
endif()
