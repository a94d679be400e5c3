// properties/history_text.h: a model::History as text, one call or event a
// line in History order, with its time, for a driven run's violation report.
#ifndef DSIM_PROPERTIES_HISTORY_TEXT_H_
#define DSIM_PROPERTIES_HISTORY_TEXT_H_

#include <cstdint>
#include <string>

#include "model/history.h"

namespace properties {

// Times are printed in ms after `start_ns`.
std::string RenderHistory(const model::History& h, int64_t start_ns);

}  // namespace properties

#endif  // DSIM_PROPERTIES_HISTORY_TEXT_H_
