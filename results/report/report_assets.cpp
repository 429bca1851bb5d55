#include "results/report/report_assets.h"

#include <cstddef>

// Symbols defined by the generated assets.S: each file's first byte and the byte after its end.
extern "C" {
extern const char sweep_asset_plotly_js[], sweep_asset_plotly_js_end[];
extern const char sweep_asset_errors_js[], sweep_asset_errors_js_end[];
extern const char sweep_asset_report_js[], sweep_asset_report_js_end[];
extern const char sweep_asset_report_css[], sweep_asset_report_css_end[];
}

namespace sweep::results {
namespace {

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string_view plotly_js() { return view(sweep_asset_plotly_js, sweep_asset_plotly_js_end); }
std::string_view plotly_version() { return SWEEP_PLOTLY_VERSION; }
std::string_view report_errors_js() {
  return view(sweep_asset_errors_js, sweep_asset_errors_js_end);
}
std::string_view report_js() { return view(sweep_asset_report_js, sweep_asset_report_js_end); }
std::string_view report_css() { return view(sweep_asset_report_css, sweep_asset_report_css_end); }

}  // namespace sweep::results
