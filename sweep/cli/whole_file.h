// Writing an output file whole or not at all.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace sweep {

// Writes `text` to `path` through PATH.part and a rename, so that `path` is never half
// written. Throws StoreError naming the path when it cannot be written.
void write_whole_file(const std::string& path, const std::string& text);

// As write_whole_file, with the text written piece by piece by `write` (to PATH.part): for
// output too large to hold. When `write` throws, PATH.part is removed and PATH left as it was.
void write_whole_file_with(const std::string& path,
                           const std::function<void(std::ostream&)>& write);

}  // namespace sweep
