// ICU's spoof checker (Unicode TR39) behind one function, so that Swift never sees ICU's own
// headers: their types clash with the copy of ICU inside Foundation.
#ifndef GATEHOUSE_CSKELETON_H
#define GATEHOUSE_CSKELETON_H

#include <stdint.h>

/// Writes the TR39 skeleton of `text` (UTF-8, `length` bytes) into `out` (`capacity` bytes) and
/// returns its length; -1 when ICU fails; -(needed + 2) when `out` is too small.
int32_t gatehouse_skeleton(const char *text, int32_t length, char *out, int32_t capacity);

#endif
