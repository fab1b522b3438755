from assessments.models import LabConcentration, SharedDependency, VendorLabScore, VendorScore


def stored_scores() -> dict:
    """Every stored score value except timestamps, for exact comparison."""
    vendors = {
        s.vendor_id: (
            str(s.score),
            s.band,
            s.impact,
            s.likelihood,
            s.lab_equivalents,
            s.labs_exposed,
            s.base_likelihood,
            s.assessment_id,
            s.components,
        )
        for s in VendorScore.objects.all()
    }
    labs = {
        c.lab_id: (
            c.hhi,
            c.hhi_look_through,
            c.band,
            c.top_vendor_id,
            c.top_share,
            c.effective_providers,
            c.spof_vendor_id,
            c.spof_share,
            c.groups,
            c.components,
        )
        for c in LabConcentration.objects.all()
    }
    shared = {s.vendor_id: (s.labs_reaching, s.via) for s in SharedDependency.objects.all()}
    pairs = {
        (p.vendor_id, p.lab_id): (p.harm, p.harm6, p.own_score, p.own_band, p.via, p.via_two_groups)
        for p in VendorLabScore.objects.all()
    }
    return {"vendors": vendors, "labs": labs, "shared": shared, "pairs": pairs}
