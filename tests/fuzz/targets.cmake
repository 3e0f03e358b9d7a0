# ampsim_fuzz_targets(OUT): the fuzz target sources (tests/fuzz/fuzz_*.c) that
# this tree can build. Shared by tests/fuzz/CMakeLists.txt (libFuzzer) and
# tests/CMakeLists.txt (CTest replay of the corpora).
#
# The design-file target, fuzz_design_load.c, is written against
# include/ampsim/design.h and joins by itself once a source under src/lib
# defines ampsim_design_load(); until then it is left out.
function(ampsim_fuzz_targets out)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/fuzz_*.c)
  file(GLOB _lib_srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/lib/*.c)
  set(_have_design OFF)
  foreach(_lib ${_lib_srcs})
    file(STRINGS ${_lib} _def REGEX "^int ampsim_design_load\\(")
    if(_def)
      set(_have_design ON)
    endif()
  endforeach()
  set(_result)
  foreach(_src ${_srcs})
    get_filename_component(_name ${_src} NAME_WE)
    if(_name STREQUAL "fuzz_design_load" AND NOT _have_design)
      continue()
    endif()
    list(APPEND _result ${_src})
  endforeach()
  set(${out} ${_result} PARENT_SCOPE)
endfunction()
