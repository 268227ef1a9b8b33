# ops_cc_test(<name> SRCS a_test.cc ... DEPS lib1 lib2 ... [LABELS l1 l2])
#
# One test executable linked with gmock/gtest_main and the given libraries; each TEST becomes a
# ctest test through gtest_discover_tests. Tests that need the private PostgreSQL started by
# scripts/test read OPS_TEST_PG_DSN and skip with a message when it is unset.
include(GoogleTest)
# Tests labelled "concurrency" also build under this target; scripts/test runs them under
# ASan/UBSan (OPS_SANITIZE) in CI. Tests labelled "e2e" run serially (RUN_SERIAL).
if(NOT TARGET ops_concurrency_tests)
  add_custom_target(ops_concurrency_tests)
endif()
function(ops_cc_test name)
  if(NOT OPS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    OPS_SHARED_DATA_DIR="${OPS_SHARED_DATA_DIR}")
  set(props)
  if(ARG_LABELS)
    # gtest_discover_tests (CMake 3.25) flattens list-valued PROPERTIES: LABELS "a;b" arrives as
    # LABELS a plus a bogus property b. So the labels travel as one label "a+b"; ctest's -L and
    # -LE take regular expressions, so `-L concurrency` still selects "postgres+concurrency".
    string(REPLACE ";" "+" labels "${ARG_LABELS}")
    set(props PROPERTIES LABELS "${labels}")
    # End-to-end tests run whole clusters with real timing; one at a time keeps them from
    # starving each other of the machine's two cores.
    if("e2e" IN_LIST ARG_LABELS)
      list(APPEND props RUN_SERIAL TRUE)
    endif()
  endif()
  if("concurrency" IN_LIST ARG_LABELS)
    add_dependencies(ops_concurrency_tests ${name})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 ${props})
endfunction()
