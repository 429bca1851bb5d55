// `sweep report`: one self-contained HTML page of one or more results files.
#include <algorithm>
#include <chrono>
#include <iostream>

#include "core/errors.h"
#include "results/report/report_data.h"
#include "results/report/report_html.h"
#include "results/store/store.h"
#include "sweep/cli/whole_file.h"
#include "sweep/data/mistake_images.h"
#include "sweep/offline/offline_commands.h"

namespace sweep {

int report_command(const CliCommand& cmd) {
  std::vector<results::ReportSource> sources;
  for (const auto& f : cmd.files) {
    results::Store store = results::Store::open_read(f);
    sources.push_back({f, store.info(), store.read_trials()});
  }
  results::ReportOptions o;
  o.by = cmd.by;
  o.top = cmd.top;
  o.title = cmd.title;
  o.galleries = static_cast<std::size_t>(std::max(0, cmd.mistakes));
  MistakeImageReader reader;
  o.mistake_images = [&reader](const results::StoredTrial& t) { return reader(t); };
  if (o.title.empty()) {
    o.title = "sweep report: " + cmd.files.front();
    if (cmd.files.size() > 1) o.title += " and " + std::to_string(cmd.files.size() - 1) + " more";
  }
  o.generated_unix =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string html = results::report_html(results::report_json(sources, o), o.title);
  write_whole_file(cmd.out, html);
  std::cout << "report: " << cmd.out << " (" << html.size() / 1024
            << " KiB; open it in a browser)\n";
  return kExitOk;
}

}  // namespace sweep
