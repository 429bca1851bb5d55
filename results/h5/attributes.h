// Scalar HDF5 attributes (UTF-8 text or double) on a file or object: the root attributes of a
// results file.
#pragma once

#include <string>

#include "results/h5/h5.h"

namespace sweep::results {

// Creates attribute `name` on `obj` holding `value`. Throws StoreError.
void write_attr(hid_t obj, const char* name, const std::string& value);
void write_attr(hid_t obj, const char* name, double value);

// True when `obj` has an attribute `name`.
bool has_attr(hid_t obj, const char* name);

// The value of attribute `name`, or "" / 0 when `obj` has none. Throws StoreError when it
// cannot be read.
std::string read_str_attr(hid_t obj, const char* name);
double read_num_attr(hid_t obj, const char* name);

}  // namespace sweep::results
