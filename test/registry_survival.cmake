# orp survival --db on a registry built from committed submission files (test/golden/registry/):
# the store-built cohort's Kaplan–Meier and Aalen–Johansen against R (make_registry_survival_
# fixtures.R computed them from the same files), the --plot picture, and public disclosure
# control. Run by CTest with ORP, CHECK (json_golden_check), GOLDEN, REGISTRIES and WORK_DIR set.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(db sqlite:${WORK_DIR}/registry.db)
file(GLOB files ${GOLDEN}/registry/BCIR-*.csv)
list(SORT files)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}\nexit ${rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()
run(${ORP} catalogue import --db ${db} ${GOLDEN}/registry/device-catalogue.csv)
run(${ORP} ingest --db ${db} --definitions ${REGISTRIES} ${files})
run(${ORP} ingest-deaths --db ${db} ${GOLDEN}/registry/deaths.csv)
set(survival ${ORP} survival --db ${db} --registry BCIR --definitions ${REGISTRIES}
    --suppress-below 0 --format json)
run(${CHECK} ${GOLDEN}/registry_survival_model_km.json 1e-10 -- ${survival} --by model
    --times 1,3,5,8)
run(${CHECK} ${GOLDEN}/registry_survival_brand_aj.json 1e-10 -- ${survival} --by brand
    --method aj --data-cut 2021-06-30 --times 0.5,2,5,12)
# The table and the picture.
run(${ORP} survival --db ${db} --registry BCIR --definitions ${REGISTRIES} --by brand
    --plot ${WORK_DIR}/brand.svg)
if(NOT out MATCHES "implant survival by brand" OR NOT out MATCHES "n_risk")
  message(FATAL_ERROR "the number-at-risk table is missing:\n${out}")
endif()
file(READ ${WORK_DIR}/brand.svg svg)
if(NOT svg MATCHES "^<svg " OR NOT svg MATCHES "<polyline points=" OR NOT svg MATCHES "</svg>")
  message(FATAL_ERROR "brand.svg is not a survival plot")
endif()
# Public: no count of 1 to 7 anywhere, every other count a multiple of 5.
run(${ORP} survival --db ${db} --registry BCIR --definitions ${REGISTRIES} --by brand
    --audience public --format json)
string(REGEX MATCHALL "\"(n|revisions|deaths|units|n_risk|n_event|n_censor)\":[0-9]+" counts "${out}")
foreach(count IN LISTS counts)
  string(REGEX REPLACE ".*:" "" value "${count}")
  math(EXPR rest "${value} % 5")
  if(NOT rest EQUAL 0)
    message(FATAL_ERROR "public output shows ${count}")
  endif()
endforeach()
list(LENGTH counts n)
if(n LESS 50)
  message(FATAL_ERROR "public output has only ${n} counts:\n${out}")
endif()
# The issue's procedure-level analysis: each primary to the first revision of any implant.
run(${ORP} survival --db ${db} --registry BCIR --definitions ${REGISTRIES} --unit procedure
    --format json)
if(NOT out MATCHES "\"unit\":\"procedure\",[^}]*\"units\":866,")
  message(FATAL_ERROR "--unit procedure did not analyse the primaries:\n${out}")
endif()
