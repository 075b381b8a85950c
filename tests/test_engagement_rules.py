from rules.engagement import LeadState, apply_event, preferred_channel


def test_scores_add_up_and_clamp() -> None:
    s = LeadState(score=95)
    s = apply_event(s, "booked", "email")
    assert s.score == 100
    s = apply_event(LeadState(score=3), "unsubscribed", "sms")
    assert s.score == 0 and s.opt_out_sms and s.channel_preference == "email"


def test_preference_follows_the_channel_they_answer_on() -> None:
    s = LeadState(score=0)
    s = apply_event(s, "opened", "email")
    assert s.channel_preference == "email"
    s = apply_event(s, "replied", "sms")  # a reply outweighs an open
    assert s.channel_preference == "sms" and s.engagement["sms_replied"] == 1 and s.engagement["replied"] == 1


def test_ties_keep_the_current_preference_and_opt_outs_never_win() -> None:
    assert preferred_channel(LeadState(score=0, channel_preference="sms")) == "sms"
    opted = LeadState(score=0, channel_preference="sms", opt_out_sms=True, engagement={"sms_replied": 5})
    assert preferred_channel(opted) == "email"
