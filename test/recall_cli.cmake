# orp recall on the ingest worked example (test/data/ingest/worked_example.csv): lot 2316A of
# 09520012000375 is in one accepted patient twice (one implant later explanted at RXF05).
# preview counts and lists it, create tracks the patient, update records a contact, the
# regulator's report counts it, and a bad criterion fails naming the flag's field.
# Run by CTest with ORP, WORK_DIR, DATA, RECALL_DATA and REGISTRIES set.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(db sqlite:${WORK_DIR}/registry.db)

function(orp_ok out_var)
  execute_process(COMMAND ${ORP} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "orp ${ARGN}: exit ${rc}: ${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected /${regex}/ in:\n${text}")
  endif()
endfunction()

orp_ok(ignored ingest --db ${db} --definitions ${REGISTRIES} ${DATA}/worked_example.csv)
set(lot --gtin 09520012000375 --lot 2316A)

orp_ok(csv recall preview --db ${db} ${lot} --format csv)
expect("${csv}" "^implant,device_id,lot,serial,expiry,in_situ," "preview csv header")
expect("${csv}" "09520012000375,2316A,BCL0000451,2018-10-31,no,2022-09-01,BCIR,NT451-00000017,2016-03-14,NT451,[0-9a-f]+,,RXF,RXF05,2022-09-01"
       "the explanted implant, with the most recent provider")
expect("${csv}" "BCL0000452,2018-10-31,yes," "the implant still in situ")
orp_ok(csv_in_parts recall preview --db ${db} ${lot} --format csv --threads 2)
if(NOT csv_in_parts STREQUAL csv)
  message(FATAL_ERROR "preview --threads 2: not the same CSV as one connection:\n${csv_in_parts}")
endif()

orp_ok(table recall preview --db ${db} ${lot})
expect("${table}" "RXF +2 +1 +1 +1 +0" "counts for the provider")
expect("${table}" "ALL +2 +1 +1 +1 +0" "counts overall")

orp_ok(json recall preview --db ${db} ${lot} --in-situ-only --format json)
expect("${json}" "\"overall\": {\"implants\":1,\"in_situ\":1,\"patients\":1" "in situ only, json")

orp_ok(named recall preview --db ${db} ${lot} --identifiable --purpose "FSN-1 contact"
       --format csv)
expect("${named}" ",9990001235,," "the NHS number on the identifiable path")

orp_ok(created recall create --db ${db} --reference R-1 --fsn FSN-1 --title "lot 2316A" ${lot})
expect("${created}" "recall R-1 created: 1 patients identified" "create")
orp_ok(shown recall show --db ${db} R-1 --format csv)
string(REGEX MATCH "\n([0-9a-f]+),RXF,identified" found "${shown}")
expect("${shown}" "\n[0-9a-f]+,RXF,identified,,,,,create" "show lists the patient, not concluded")
set(patient ${CMAKE_MATCH_1})
orp_ok(updated recall update --db ${db} R-1 --patient ${patient} --contacted 2026-01-02
       --channel letter --result sent)
expect("${updated}" "contacted" "update")
orp_ok(report recall show --db ${db} R-1 --report --format csv)
expect("${report}" "R-1,FSN-1,RXF,1,0,1,0,0,0,0,0,1\nR-1,FSN-1,ALL,1,0,1,0,0,0,0,0,1" "report")
# A later submission with an implant of the lot joins the open recall and names its provider.
execute_process(COMMAND ${ORP} ingest --db ${db} --definitions ${REGISTRIES}
                        ${RECALL_DATA}/late_implant.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "recall R-1: 1 new patient\\(s\\) with 1 implant\\(s\\) at RXF")
  message(FATAL_ERROR "late ingest: exit ${rc}: ${out}${err}")
endif()
orp_ok(other recall show --db ${db} R-1 --provider RRK --format csv)
expect("${other}" "\nALL,0,0,0,0,0,0,0,0,0\n" "another provider sees none of RXF's patients")
orp_ok(listed recall list --db ${db} --format csv)
expect("${listed}" "R-1,FSN-1,lot 2316A,open,2,0," "list")

execute_process(COMMAND ${ORP} recall preview --db ${db} --lot 2316A RESULT_VARIABLE rc
                ERROR_VARIABLE err OUTPUT_QUIET)
if(rc EQUAL 0 OR NOT err MATCHES "^orp recall preview: criteria.devices: a recall names")
  message(FATAL_ERROR "preview without a device: exit ${rc}: ${err}")
endif()
