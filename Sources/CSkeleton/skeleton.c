#include "CSkeleton.h"
#include <unicode/uspoof.h>

int32_t gatehouse_skeleton(const char *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker *checker = uspoof_open(&status);
    if (U_FAILURE(status)) return -1;
    int32_t written = uspoof_getSkeletonUTF8(checker, 0, text, length, out, capacity, &status);
    uspoof_close(checker);
    if (status == U_BUFFER_OVERFLOW_ERROR) return -(written + 2);
    if (U_FAILURE(status)) return -1;
    return written;
}
