// The one table of source types: a `type:` in the config is looked up here.
#include <array>

#include "sources/driver.h"
#include "sources/drivers/drivers.h"

namespace liqwatch::sources {

namespace {

const std::array<const SourceDriver*, 7>& Table() {
  static const std::array<const SourceDriver*, 7> kDrivers = {
      &drivers::Fred(),      &drivers::NyFed(), &drivers::TreasuryDts(), &drivers::FearGreed(),
      &drivers::HtmlTable(), &drivers::Csv(),   &drivers::Json(),
  };
  return kDrivers;
}

}  // namespace

const SourceDriver* FindDriver(std::string_view type) {
  for (const SourceDriver* d : Table())
    if (d->type() == type) return d;
  return nullptr;
}

std::span<const SourceDriver* const> AllDrivers() { return Table(); }

std::string KnownSourceTypes() {
  std::string out;
  for (const SourceDriver* d : Table()) {
    if (!out.empty()) out += ", ";
    out += d->type();
  }
  return out;
}

}  // namespace liqwatch::sources
