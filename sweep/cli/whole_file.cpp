#include "sweep/cli/whole_file.h"

#include <cstdio>
#include <fstream>

#include "core/errors.h"

namespace sweep {

void write_whole_file(const std::string& path, const std::string& text) {
  write_whole_file_with(path, [&](std::ostream& out) { out << text; });
}

void write_whole_file_with(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
  const std::string part = path + ".part";
  {
    std::ofstream f(part, std::ios::binary);
    try {
      write(f);
    } catch (...) {
      f.close();
      std::remove(part.c_str());
      throw;
    }
    if (!f.flush()) {
      std::remove(part.c_str());
      throw StoreError(part + ": cannot write");
    }
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    std::remove(part.c_str());
    throw StoreError(path + ": cannot write");
  }
}

}  // namespace sweep
