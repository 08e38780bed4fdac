// Maintenance plans: one maintenance window across systems — check, apply, resume, revert — journaled and audited.
// The model and its JSON reader, the journal and audit log, the sans-I/O engine, the system adapter concept and the
// sync driver; the async driver is serverops/plan/async_run.hpp (it brings Asio). See docs/plans.md.
// (serverops/plan/fake_system.hpp: an adapter for tests.)
#ifndef SERVEROPS_PLAN_HPP
#define SERVEROPS_PLAN_HPP

#include <serverops/plan/engine.hpp>
#include <serverops/plan/journal.hpp>
#include <serverops/plan/model.hpp>
#include <serverops/plan/reader.hpp>
#include <serverops/plan/run.hpp>
#include <serverops/plan/system.hpp>

#endif
