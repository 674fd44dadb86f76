# orp_library(NAME SOURCES a.cc b.cc DEPS orp_core fmt::fmt ...)
#   Defines the static library orp_NAME; its include root is src/, so headers are included
#   as "orp/<subsystem>/<file>.h". NAME is the subsystem path with '/' replaced by '_'.
function(orp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(orp_${name} STATIC ${ARG_SOURCES})
  target_include_directories(orp_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(orp_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# orp_test(NAME SOURCES x_test.cc DEPS orp_x ... [COST SECONDS] [ONE_PROCESS])
#   One GoogleTest executable per subsystem; each TEST becomes its own CTest case, discovered
#   when ctest runs (so building does not execute tests). COST: about how long each of its cases
#   takes, for the long ones (see orp_test_cost below). ONE_PROCESS: the executable is one CTest
#   case that runs all its TESTs in one process, for a suite whose cases share a costly fixture
#   made once per process (the synthetic registry of synth_test.cc: 15 processes made it 15
#   times, ~160 s of the sanitizer suite); COST is then the whole run's.
function(orp_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS" "COST" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set(cost 0)
  if(ARG_COST)
    set(cost ${ARG_COST})
  endif()
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "ORP_SOURCE_DIR=${PROJECT_SOURCE_DIR}" COST ${cost})
    return()
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES ENVIRONMENT "ORP_SOURCE_DIR=${PROJECT_SOURCE_DIR}" COST ${cost})
endfunction()

# orp_test_cost(SECONDS TEST...)
#   The tests' CTest COST: with -j, CTest starts the costliest first. It learns costs from the
#   runs it has made in a build tree, but CI's tree is always new, and there, without this, the
#   longest tests (a browser run, two servers, kill -9 rounds) started last and ran alone on one
#   core at the end of each suite. SECONDS is about the plain build's time, quiet.
function(orp_test_cost seconds)
  set_tests_properties(${ARGN} PROPERTIES COST ${seconds})
endfunction()
