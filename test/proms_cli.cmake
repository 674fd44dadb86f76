# orp ingest-proms, orp proms run|status|gain end to end (issue 11): a synthetic registry with
# its PROM responses is ingested; the responses load once (a second load is all duplicates);
# gain by provider is modelled; the daily run invites and status counts; a bad file gives
# findings and a file without the required columns fails in one line.
# Run by CTest with ORP, WORK_DIR and REGISTRIES set.
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

orp_ok(ignored synth --seed 5 --procedures 3000 --error-rate 0 --definitions ${REGISTRIES}
       --out ${WORK_DIR}/synth)
file(GLOB submissions ${WORK_DIR}/synth/submissions/*.csv)
orp_ok(ignored ingest --db ${db} --definitions ${REGISTRIES} ${submissions})

set(defs --registries ${REGISTRIES})
orp_ok(first ingest-proms --db ${db} ${defs} --today 2026-06-01 --format json
       ${WORK_DIR}/synth/proms.csv)
expect("${first}" "\"stored\": [1-9][0-9]+,\n *\"duplicates\": 0,\n *\"rejected\": 0" "first load")
orp_ok(again ingest-proms --db ${db} ${defs} --today 2026-06-01 --format json
       ${WORK_DIR}/synth/proms.csv)
expect("${again}" "\"stored\": 0,\n *\"duplicates\": [1-9]" "a second load stores nothing")

orp_ok(gain proms gain --db ${db} ${defs} --instrument PAIN-NRS --by provider --format json)
expect("${gain}" "\"terms\": \\[\n *\"\\(Intercept\\)\",\n *\"pre\"" "the case-mix model")
expect("${gain}" "\"national_gain\": [0-9]" "pain falls after the operation: a positive gain")
expect("${gain}" "\"adjusted_gain\"" "groups")
orp_ok(by_model proms gain --db ${db} ${defs} --instrument PAIN-NRS --by model --format json)
expect("${by_model}" "\"by\": \"model\"" "gain by device model")
expect("${by_model}" "\"adjusted_gain\"" "device model groups")
# The dates of birth the model reads for age are in the audit chain (#11).
orp_ok(audit audit list --db ${db} --object registry/all --format csv)
expect("${audit}" "proms.gain,registry/all,[^\n]*case-mix adjusted health gain \\(age at operation\\); PAIN-NRS,ok: dates of birth of [1-9][0-9]* patients read" "the gain run is audited")

orp_ok(run proms run --db ${db} ${defs} --today 2025-12-31 --format json)
expect("${run}" "\"invited\": [1-9]" "the daily run invites")
orp_ok(rerun proms run --db ${db} ${defs} --today 2025-12-31 --format json)
expect("${rerun}" "\"invited\": 0" "a second run the same day invites nobody")
orp_ok(status proms status --db ${db} --format json)
expect("${status}" "\"instrument\": \"PAIN-NRS\",\n *\"status\": \"open\"" "status counts")
expect("${status}" "\"pending\": [1-9]" "messages wait without contact details")
# Participation per provider (#11): the synth's pre-operative questionnaires count as pre-op
# participation; invitations so far unanswered give a response rate of 0 and no funnel.
orp_ok(by proms status --db ${db} --by provider --format json)
expect("${by}" "\"national\": {\n *\"invited\": [1-9][0-9]*,\n *\"responded\": 0," "national counts")
expect("${by}" "\"pre_op_returned\": [1-9]" "pre-operative participation")
expect("${by}" "\"pre_op_funnel\": {\n *\"y\": [0-9.]+,\n *\"z\": -?[0-9.e+-]+,\n *\"lower998\"" "funnel data")
# Disclosure control (stats/disclosure.h): at the public audience counts are rounded to 5 (or
# withheld as null when 1-7), and the output says which audience it is for.
orp_ok(public proms status --db ${db} --by provider --audience public --format json)
expect("${public}" "\"audience\": \"public\",\n *\"national\": {\n *\"invited\": [0-9]*[05],\n *\"responded\": 0," "public audience")
orp_ok(public_csv proms status --db ${db} --by provider --audience public --format csv)
expect("${public_csv}" "\nnational,[0-9]*[05],0," "the national row rounded to 5")
orp_ok(by_csv proms status --db ${db} --by provider --registry BCIR --format csv)
expect("${by_csv}" "^provider,invited,responded,response_pct,response_funnel,primaries,pre_op_returned,pre_op_pct,pre_op_funnel\n" "csv header")
expect("${by_csv}" "\nnational,[0-9]+,0,[0-9.]*,,[1-9]" "the national row")

file(WRITE ${WORK_DIR}/bad.csv
  "registry,procedure_ref,instrument,months,completed,pain\nNRHI,NOPE,PAIN-NRS,0,2024-01-01,3\nNRHI,X,PAIN-NRS,0,2024-01-01,12\n")
orp_ok(bad ingest-proms --db ${db} ${defs} --today 2026-06-01 --format csv ${WORK_DIR}/bad.csv)
expect("${bad}" "bad.csv,2,NOPE,procedure_ref,procedure_ref.unknown," "an unknown procedure")
expect("${bad}" "bad.csv,3,X,pain,answer.not_allowed,12 is not an allowed answer" "a bad answer")

file(WRITE ${WORK_DIR}/headless.csv "procedure_ref,pain\nX,3\n")
execute_process(COMMAND ${ORP} ingest-proms --db ${db} ${defs} ${WORK_DIR}/headless.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "^orp ingest-proms: .*headless.csv: the header must start")
  message(FATAL_ERROR "a file without the required columns: exit ${rc}: ${err}")
endif()
