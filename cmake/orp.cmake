# orp_library(NAME SOURCES a.cc b.cc DEPS orp_core fmt::fmt ...)
#   Defines the static library orp_NAME; its include root is src/, so headers are included
#   as "orp/<subsystem>/<file>.h". NAME is the subsystem path with '/' replaced by '_'.
function(orp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(orp_${name} STATIC ${ARG_SOURCES})
  target_include_directories(orp_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(orp_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# orp_test(NAME SOURCES x_test.cc DEPS orp_x ...)
#   One GoogleTest executable per subsystem; each TEST becomes its own CTest case, discovered
#   when ctest runs (so building does not execute tests).
function(orp_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES ENVIRONMENT "ORP_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
