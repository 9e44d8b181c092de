"""Pure core of the conflict map: dataset, gazetteer, reports, timeline, territory, snapshots."""
