# Project-wide compile flags: warnings on, a dropped absl::Status (ABSL_MUST_USE_RESULT, i.e.
# [[nodiscard]]) is an error, and an optional ASan/UBSan build.
add_compile_options(-Wall -Wextra -Wno-unused-parameter -Werror=unused-result
                    -Werror=return-type
                    # GCC 12 warns on designated initializers that omit fields (bug 96868).
                    -Wno-missing-field-initializers)
if(OPS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
