# Interface targets that carry the project's compile settings.
add_library(credguard_settings INTERFACE)
target_compile_features(credguard_settings INTERFACE cxx_std_20)

add_library(credguard_warnings INTERFACE)
target_compile_options(credguard_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CREDGUARD_WERROR)
  target_compile_options(credguard_warnings INTERFACE -Werror)
endif()

if(CREDGUARD_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(credguard_settings INTERFACE ${_san})
  target_link_options(credguard_settings INTERFACE ${_san})
endif()

# The fuzz preset: every library instrumented for libFuzzer's coverage and
# checked by ASan + UBSan; only the targets of tests/fuzz link libFuzzer's
# main (-fsanitize=fuzzer, see credguard_add_fuzzer there).
if(CREDGUARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CREDGUARD_FUZZ needs clang (libFuzzer): configure with the fuzz preset")
  endif()
  set(_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(credguard_settings INTERFACE ${_fuzz})
  target_link_options(credguard_settings INTERFACE -fsanitize=address,undefined)
endif()

# credguard_add_library(<domain> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# One static library per domain, exported as credguard::<domain>.
function(credguard_add_library domain)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(credguard_${domain} STATIC ${ARG_SOURCES})
  add_library(credguard::${domain} ALIAS credguard_${domain})
  target_include_directories(credguard_${domain} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
  target_link_libraries(credguard_${domain}
    PUBLIC credguard_settings ${ARG_DEPS}
    PRIVATE credguard_warnings ${ARG_PRIVATE_DEPS})
endfunction()
