# orp_library(NAME SOURCES a.cc b.cc DEPS orp_core fmt::fmt ...)
#   Defines the static library orp_NAME; its include root is src/, so headers are included
#   as "orp/<subsystem>/<file>.h". NAME is the subsystem path with '/' replaced by '_'.
#   Unity build (ORP_UNITY, on by default): a library's or test's sources are compiled
#   ORP_UNITY_BATCH (8) to a translation unit, so the heavy headers' inline code (CLI11,
#   nlohmann/json, Beast, GoogleTest) is compiled once per batch, not once per file: cold, on 2
#   cores, the 30 cli files from 251 to 91 s (docs/performance.md "## CI"). So names in anonymous
#   namespaces must be unique within a target (a helper two files need goes in a header). NO_UNITY
#   opts a target out; SKIP_UNITY_BUILD_INCLUSION a file.
function(orp_library name)
  cmake_parse_arguments(ARG "NO_UNITY" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(orp_${name} STATIC ${ARG_SOURCES})
  target_include_directories(orp_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(orp_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  if(NOT ARG_NO_UNITY)
    orp_unity(orp_${name})
  endif()
endfunction()

# orp_test_flags(TARGET): what every test executable is compiled with (ORP_TEST_O0, see the
# top-level CMakeLists.txt). The last -O on the command line wins, and target options come last.
function(orp_test_flags target)
  if(ORP_TEST_O0)
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

function(orp_unity target)
  if(ORP_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ORP_UNITY_BATCH})
  endif()
endfunction()

# orp_test(NAME SOURCES x_test.cc DEPS orp_x ... [COST SECONDS] [ONE_PROCESS] [NO_UNITY])
#   One GoogleTest executable per subsystem; each TEST becomes its own CTest case, discovered
#   when ctest runs (so building does not execute tests). COST: about how long each of its cases
#   takes, for the long ones (see orp_test_cost below). ONE_PROCESS: the executable is one CTest
#   case that runs all its TESTs in one process, for a suite whose cases share a costly fixture
#   made once per process (the synthetic registry of synth_test.cc: 15 processes made it 15
#   times, ~160 s of the sanitizer suite); COST is then the whole run's.
function(orp_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS;NO_UNITY" "COST" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  if(NOT ARG_NO_UNITY)
    orp_unity(${name})
  endif()
  orp_test_flags(${name})
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
