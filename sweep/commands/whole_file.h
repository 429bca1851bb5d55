// Writing an output file whole or not at all.
#pragma once

#include <string>

namespace sweep {

// Writes `text` to `path` through PATH.part and a rename, so that `path` is never half
// written. Throws StoreError naming the path when it cannot be written.
void write_whole_file(const std::string& path, const std::string& text);

}  // namespace sweep
