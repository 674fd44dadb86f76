# orp surveillance end to end on a generated registry with planted problems: synth -> ingest ->
# deaths -> surveillance run, checked against ground-truth.json; a second run updates every
# signal and creates none; a review survives the next run. Run by CTest with ORP, WORK_DIR and
# REGISTRIES set.
#
# At this size (seed 5, 20,000 procedures over six registries) most planted units have too few
# procedures after their problem began to be found; the two with the most (the POPSUI device
# model and the BCIR surgeon) must be. docs/performance.md ("## Surveillance") has the 100,000-
# procedure figures.
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${ORP} synth --seed 5 --procedures 20000 --out ${WORK_DIR}
                        --definitions ${REGISTRIES} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "orp synth failed: ${rc}")
endif()
file(GLOB files ${WORK_DIR}/submissions/*)
list(SORT files)
set(db sqlite:${WORK_DIR}/registry.db)
execute_process(COMMAND ${ORP} ingest --db ${db} --catalogue ${WORK_DIR}/device-catalogue.csv
                        --definitions ${REGISTRIES} --format csv ${files}
                RESULT_VARIABLE rc OUTPUT_QUIET)
execute_process(COMMAND ${ORP} ingest-deaths --db ${db} ${WORK_DIR}/deaths.csv
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ingest-deaths: exit ${rc}")
endif()

set(run surveillance run --db ${db} --data-cut 2025-12-31 --format json
        --benchmarks ${REGISTRIES}/benchmark-criteria.csv)
execute_process(COMMAND ${ORP} ${run} RESULT_VARIABLE rc OUTPUT_VARIABLE first)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "surveillance run: exit ${rc}: ${first}")
endif()

# A run's signals as sorted "registry|unit-kind|unit|method|statistic|" lines, to compare runs.
function(signal_prints json out)
  string(JSON n LENGTH "${json}" signals)
  set(prints "")
  if(n GREATER 0)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      set(line "")
      foreach(field registry unit_kind unit method statistic)
        string(JSON value GET "${json}" signals ${i} ${field})
        string(APPEND line "${value}|")
      endforeach()
      list(APPEND prints "${line}")
    endforeach()
  endif()
  list(SORT prints)
  set(${out} "${prints}" PARENT_SCOPE)
endfunction()
signal_prints("${first}" first_prints)

# The same run through the generic procedure stream (a --db-read store has no lean cohort read,
# storage/surveillance_reads.h): the same cohort, so the same signals and statistics.
execute_process(COMMAND ${ORP} ${run} --db-read ${db} RESULT_VARIABLE rc OUTPUT_VARIABLE generic)
signal_prints("${generic}" generic_prints)
string(JSON lean_primaries GET "${first}" primaries)
string(JSON generic_primaries GET "${generic}" primaries)
if(NOT rc EQUAL 0 OR NOT first_prints STREQUAL generic_prints
   OR NOT lean_primaries EQUAL generic_primaries)
  message(FATAL_ERROR "the lean cohort read and the procedure stream differ: exit ${rc}; "
                      "${lean_primaries} vs ${generic_primaries} primaries;\n"
                      "${first_prints}\nvs\n${generic_prints}")
endif()
string(JSON rated LENGTH "${first}" ratings)
if(rated EQUAL 0)
  message(FATAL_ERROR "first run rated no device models: ${first}")
endif()
string(JSON new GET "${first}" signals_new)
string(JSON count LENGTH "${first}" signals)
if(new EQUAL 0 OR NOT new EQUAL count)
  message(FATAL_ERROR "first run: ${new} new signals of ${count}")
endif()

# Which planted units were flagged, by which methods.
file(READ ${WORK_DIR}/ground-truth.json truth)
string(JSON planted LENGTH "${truth}" planted)
math(EXPR last_planted "${planted} - 1")
math(EXPR last_signal "${count} - 1")
set(found "")
foreach(p RANGE ${last_planted})
  string(JSON id GET "${truth}" planted ${p} id)
  string(JSON registry GET "${truth}" planted ${p} registry)
  set(methods "")
  foreach(s RANGE ${last_signal})
    string(JSON unit GET "${first}" signals ${s} unit)
    string(JSON sreg GET "${first}" signals ${s} registry)
    if(unit STREQUAL id AND sreg STREQUAL registry)
      string(JSON method GET "${first}" signals ${s} method)
      list(APPEND methods ${method})
    endif()
  endforeach()
  message(STATUS "planted ${registry} ${id}: ${methods}")
  if(methods)
    list(APPEND found "${registry}/${id}")
  endif()
endforeach()
foreach(required POPSUI/09529818000107 BCIR/1517957)
  if(NOT required IN_LIST found)
    message(FATAL_ERROR "planted ${required} was not flagged (found: ${found})")
  endif()
endforeach()

# Review the first signal, run again: nothing new, everything updated, the review kept.
string(JSON first_id GET "${first}" signals 0 id)
execute_process(COMMAND ${ORP} surveillance review --db ${db} --id ${first_id}
                        --status under-review RESULT_VARIABLE rc OUTPUT_QUIET)
execute_process(COMMAND ${ORP} ${run} RESULT_VARIABLE rc OUTPUT_VARIABLE second)
string(JSON new GET "${second}" signals_new)
string(JSON updated GET "${second}" signals_updated)
if(NOT new EQUAL 0 OR NOT updated EQUAL count)
  message(FATAL_ERROR "second run: ${new} new, ${updated} updated (expected 0 and ${count})")
endif()
execute_process(COMMAND ${ORP} surveillance signals --db ${db} --status under-review --format csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE reviewed)
if(NOT reviewed MATCHES "\n${first_id},")
  message(FATAL_ERROR "the reviewed signal ${first_id} lost its status: ${reviewed}")
endif()

# Incremental: a run after the changes numbered above the last run's change_seq. Nothing changed
# since, so no unit is touched and nothing is written.
string(JSON seq GET "${second}" change_seq)
if(seq LESS_EQUAL 0)
  message(FATAL_ERROR "the run reported change_seq ${seq}")
endif()
execute_process(COMMAND ${ORP} ${run} --since-change ${seq} RESULT_VARIABLE rc OUTPUT_VARIABLE third)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "incremental run: exit ${rc}: ${third}")
endif()
string(JSON touched GET "${third}" affected_units)
string(JSON written LENGTH "${third}" signals)
if(NOT touched EQUAL 0 OR NOT written EQUAL 0)
  message(FATAL_ERROR "incremental run with no changes touched ${touched} units, wrote ${written}")
endif()
# From the start of the change sequence every unit is touched: the same signals as a full run.
execute_process(COMMAND ${ORP} ${run} --since-change 1 RESULT_VARIABLE rc OUTPUT_VARIABLE fourth)
string(JSON written LENGTH "${fourth}" signals)
string(JSON touched GET "${fourth}" affected_units)
if(NOT rc EQUAL 0 OR touched EQUAL 0 OR written LESS 1)
  message(FATAL_ERROR "incremental run from change 1: ${touched} units, ${written} signals")
endif()
# Same data, so for the units it wrote the incremental run equals the full run: the same
# signals (method and statistic) for each, no more and no fewer.
signal_prints("${fourth}" fourth_prints)
set(fourth_units "")
foreach(line IN LISTS fourth_prints)
  string(REGEX MATCH "^[^|]*\\|[^|]*\\|[^|]*\\|" unit "${line}")
  list(APPEND fourth_units "${unit}")
endforeach()
set(first_for_those "")
foreach(line IN LISTS first_prints)
  string(REGEX MATCH "^[^|]*\\|[^|]*\\|[^|]*\\|" unit "${line}")
  if(unit IN_LIST fourth_units)
    list(APPEND first_for_those "${line}")
  endif()
endforeach()
if(NOT fourth_prints STREQUAL first_for_those)
  message(FATAL_ERROR "the incremental run differs from the full run for its units:\n"
                      "${fourth_prints}\nvs\n${first_for_those}")
endif()

# Triggered by a submission: resubmitting one file under a new key makes new versions of its
# procedures; `orp ingest --surveil` then runs surveillance for the units they touch only.
list(GET files 0 resubmitted)
execute_process(COMMAND ${ORP} ingest --db ${db} --definitions ${REGISTRIES} --surveil
                        --idempotency-key resubmission ${resubmitted}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE hooked)
if(NOT hooked MATCHES "surveillance after ingest: [1-9][0-9]* units touched")
  message(FATAL_ERROR "ingest --surveil: exit ${rc}: ${hooked}")
endif()

# After that submission batch, an incremental run from the change number before it and a full
# run over the same store write the same signals (method and statistic) for every unit the
# batch touched: the risk models fitted on pattern cells (risk_model.h) and every method give an
# incremental run no result a full run would not.
execute_process(COMMAND ${ORP} ${run} --since-change ${seq} RESULT_VARIABLE rc
                OUTPUT_VARIABLE after_batch)
string(JSON touched GET "${after_batch}" affected_units)
string(JSON batch_seq GET "${after_batch}" change_seq)
if(NOT rc EQUAL 0 OR touched EQUAL 0 OR NOT batch_seq GREATER seq)
  message(FATAL_ERROR "incremental run after the batch: exit ${rc}, ${touched} units, change "
                      "${batch_seq} after ${seq}")
endif()
execute_process(COMMAND ${ORP} ${run} RESULT_VARIABLE rc OUTPUT_VARIABLE full_after)
signal_prints("${after_batch}" batch_prints)
signal_prints("${full_after}" full_after_prints)
set(batch_units "")
foreach(line IN LISTS batch_prints)
  string(REGEX MATCH "^[^|]*\\|[^|]*\\|[^|]*\\|" unit "${line}")
  list(APPEND batch_units "${unit}")
endforeach()
set(full_for_those "")
foreach(line IN LISTS full_after_prints)
  string(REGEX MATCH "^[^|]*\\|[^|]*\\|[^|]*\\|" unit "${line}")
  if(unit IN_LIST batch_units)
    list(APPEND full_for_those "${line}")
  endif()
endforeach()
if(NOT rc EQUAL 0 OR NOT batch_prints STREQUAL full_for_those)
  message(FATAL_ERROR "after the batch, the incremental run differs from the full run for its "
                      "units (exit ${rc}):\n${batch_prints}\nvs\n${full_for_those}")
endif()
list(LENGTH batch_prints batch_signals)
message(STATUS "after the batch: ${touched} units touched, ${batch_signals} signals, as the full run")

# The same incremental run on a resident cohort (surveillance/resident.h, what `orp serve
# --surveil` keeps): loaded, then patched with the procedures changed after the number before the
# batch. It writes exactly what the incremental run above wrote; the JSON header times the two
# phases.
execute_process(COMMAND ${ORP} ${run} --since-change ${seq} --resident RESULT_VARIABLE rc
                OUTPUT_VARIABLE resident_run)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "incremental run on the resident cohort: exit ${rc}: ${resident_run}")
endif()
signal_prints("${resident_run}" resident_prints)
string(JSON resident_touched GET "${resident_run}" affected_units)
string(JSON kept GET "${resident_run}" resident primaries_kept)
string(JSON primaries GET "${resident_run}" primaries)
string(JSON run_ms GET "${resident_run}" resident incremental_run cpu_ms)
if(NOT resident_prints STREQUAL batch_prints OR NOT resident_touched EQUAL touched
   OR NOT kept EQUAL primaries)
  message(FATAL_ERROR "the resident cohort's incremental run differs (${resident_touched} units, "
                      "${kept} kept of ${primaries}):\n${resident_prints}\nvs\n${batch_prints}")
endif()
message(STATUS "resident incremental run: ${run_ms} ms CPU, as the incremental run")
