"""One Vietnamese sentence saying how an indicator's commune figure is made (issue 16): shown
on the indicator page and beside the box on a report form, so a unit knows how its figure
counts. The arithmetic itself is app/plans/progress.py's."""
from flask_babel import gettext as _


def _names(units) -> str:
    return ", ".join(u.short_name or u.name for u in units)


def counting_sentence(ind) -> str:
    lead = ind.lead_unit.short_name or ind.lead_unit.name if ind.lead_unit else _("đơn vị chủ trì")
    others = sorted(ind.reporters, key=lambda u: (u.sort_order, u.id)) if ind.combine != "lead" else []
    flow = ind.semantics == "sum_flow"
    if ind.combine == "sum" and others:
        if flow:
            return _("Số liệu của xã là tổng số liệu trong kỳ do %(lead)s và %(others)s báo cáo, "
                     "cộng dồn từ đầu năm.", lead=lead, others=_names(others))
        return _("Số liệu của xã là tổng số mới nhất của từng đơn vị: %(lead)s và %(others)s.",
                 lead=lead, others=_names(others))
    if ind.combine == "latest" and others:
        return _("Số liệu của xã là số mới nhất do %(lead)s hoặc %(others)s báo cáo.",
                 lead=lead, others=_names(others))
    if flow:
        return _("Số liệu của xã là số liệu trong kỳ do %(lead)s báo cáo, cộng dồn từ đầu năm; "
                 "chỉ %(lead)s báo cáo chỉ tiêu này.", lead=lead)
    return _("Số liệu của xã là số mới nhất do %(lead)s báo cáo; chỉ %(lead)s báo cáo chỉ tiêu "
             "này.", lead=lead)
