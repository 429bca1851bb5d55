#include "worker/training/failure_message.h"

#include <c10/util/Exception.h>

#include <sstream>

namespace sweep::worker {

std::string shorten_failure_text(const std::string& text, std::size_t max_chars) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.rfind("frame #", 0) == 0 || line.rfind("Exception raised from ", 0) == 0) continue;
    out += (out.empty() ? "" : "; ") + line;
  }
  if (out.size() > max_chars) out = out.substr(0, max_chars > 3 ? max_chars - 3 : 0) + "...";
  return out;
}

std::string failure_message(const std::exception& e, std::size_t max_chars) {
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) {
    return shorten_failure_text(c10->what_without_backtrace(), max_chars);
  }
  return shorten_failure_text(e.what(), max_chars);
}

}  // namespace sweep::worker
