// The stable JSON shapes of alerts, events and deliveries, shared by the CLI (--format json)
// and the HTTP API, so both always print the same keys (documented in docs/cli.md, docs/api.md).
//
// Contract: pure functions of their argument; never fail.
#pragma once

#include <boost/json.hpp>

#include "store/store.h"

namespace liqwatch::store {

boost::json::value OptJson(const std::optional<double>& v);
boost::json::value OptJson(const std::optional<std::string>& v);
boost::json::object AlertJson(const AlertRow& a);
boost::json::object AlertEventJson(const AlertEventRow& e);
boost::json::object DeliveryJson(const DeliveryRow& d);
// {"alert": AlertJson, "events": [...], "deliveries": [...]}
boost::json::object AlertDetailJson(const AlertRow& a, const std::vector<AlertEventRow>& events,
                                    const std::vector<DeliveryRow>& deliveries);
// The CSV columns of an alert (`liqwatch alerts --format csv`, GET /api/v1/alerts?format=csv)
// and one alert's cells, in that order.
std::vector<std::string> AlertCsvHeader();
std::vector<std::string> AlertCsvCells(const AlertRow& a);
boost::json::object SourceHealthJson(const SourceHealthRow& h);

}  // namespace liqwatch::store
