// The one place that names the roaring bitmap class. Debian 12 ships CRoaring 0.2.66,
// whose C++ class is ::Roaring (modern CRoaring calls it roaring::Roaring); the preprocessor
// cannot test the version, so everything in Strata uses this alias.
#pragma once

#include <roaring/roaring.hh>

namespace strata {
using Bitmap = ::Roaring;
}  // namespace strata
