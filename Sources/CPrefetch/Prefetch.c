// The one function of this module is inline, in include/CPrefetch.h; SwiftPM needs a source file to build it.
#include "CPrefetch.h"
