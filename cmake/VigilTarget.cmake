# Compile options shared by every target built from our own code.
# -Wno-restrict: GCC 12 at -O2/-O3 reports a false -Wrestrict overlap inside
# std::string's operator+ (GCC bug 105651), which -Werror would turn into a
# failed Release build. (GCC only: clang builds the fuzz targets.)
function(vigil_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers
                                           $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()

# vigil_library(NAME SOURCES... DEPS ...): one CMake library per module,
# public headers under include/vigil/<module>/.
function(vigil_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vigil_${name} STATIC ${ARG_SOURCES})
  target_include_directories(vigil_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(vigil_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  vigil_target_options(vigil_${name})
endfunction()
