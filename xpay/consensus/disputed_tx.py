"""A transaction in dispute during a round, as rippled's ``DisputedTx``.

When our transaction set and a peer's differ, every transaction in exactly one of them becomes
a dispute. Each dispute tracks every peer's yes/no vote and ours. On every timer pass of the
establish phase we reconsider our vote against a threshold that rises with the round's progress
(50 % -> 65 % -> 70 % -> 95 %, ``ConsensusParms.avalanche_cutoffs``): while proposing we keep a
transaction only if more than that share of the votes, ours included, say yes; while
observing we just follow the majority. A rising bar makes a round converge: a transaction that
only some validators saw is soon dropped from everyone's set (and retried next ledger).

A dispute is *stalled* when the round has reached the final avalanche state, nobody has changed
a vote for a while, and the transaction has more than ``min_consensus_pct`` of the votes one way
or the other: it will not change, so it must not keep the round from ending.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from xpay.consensus.parms import AvalancheState, ConsensusParms, get_needed_weight
from xpay.protocol.ids import Hash256

NodeIdT = TypeVar("NodeIdT")


class DisputedTx(Generic[NodeIdT]):
    """Votes on one disputed transaction. Mutable: it lives for one round only."""

    __slots__ = (
        "_avalanche_counter",
        "_avalanche_state",
        "_current_vote_counter",
        "_nays",
        "_our_vote",
        "_votes",
        "_yays",
        "tx_id",
    )

    def __init__(self, tx_id: Hash256, our_vote: bool) -> None:
        self.tx_id = tx_id
        self._our_vote = our_vote
        self._votes: dict[NodeIdT, bool] = {}
        self._yays = 0
        self._nays = 0
        # Timer passes with our vote unchanged, and in the current avalanche state.
        self._current_vote_counter = 0
        self._avalanche_state = AvalancheState.INIT
        self._avalanche_counter = 0

    @property
    def our_vote(self) -> bool:
        """Whether we currently want the transaction in the ledger."""
        return self._our_vote

    @property
    def yays(self) -> int:
        return self._yays

    @property
    def nays(self) -> int:
        return self._nays

    @property
    def avalanche_state(self) -> AvalancheState:
        return self._avalanche_state

    def votes(self) -> dict[NodeIdT, bool]:
        """A copy of the peers' votes."""
        return dict(self._votes)

    def set_vote(self, peer: NodeIdT, votes_yes: bool) -> bool:
        """Record a peer's vote; return whether it is new or changed (rippled's ``setVote``)."""
        previous = self._votes.get(peer)
        if previous is votes_yes:
            return False
        if previous is not None:
            if previous:
                self._yays -= 1
            else:
                self._nays -= 1
        self._votes[peer] = votes_yes
        if votes_yes:
            self._yays += 1
        else:
            self._nays += 1
        return True

    def un_vote(self, peer: NodeIdT) -> None:
        """Forget a peer's vote: it bowed out or its position went stale (``unVote``)."""
        previous = self._votes.pop(peer, None)
        if previous is True:
            self._yays -= 1
        elif previous is False:
            self._nays -= 1

    def update_vote(self, percent_time: int, proposing: bool, parms: ConsensusParms) -> bool:
        """Reconsider our vote given the round's progress; return whether it changed
        (rippled's ``updateVote``).

        ``percent_time`` is how long the round has run as a percentage of the expected round
        time. The avalanche state advances with it (at least ``av_min_rounds`` passes per
        state) whether or not we are proposing, so that ``stalled`` can be judged either way.
        """
        # Nobody disagrees with us: nothing to reconsider.
        if self._our_vote and self._nays == 0:
            return False
        if not self._our_vote and self._yays == 0:
            return False

        self._avalanche_counter += 1
        required_pct, new_state = get_needed_weight(
            parms, self._avalanche_state, percent_time, self._avalanche_counter, parms.av_min_rounds
        )
        if new_state is not None:
            self._avalanche_state = new_state
            self._avalanche_counter = 0

        if proposing:
            # Our own vote counts fully: the share of yes votes including ours, in percent.
            weight = (self._yays * 100 + (100 if self._our_vote else 0)) // (
                self._nays + self._yays + 1
            )
            new_position = weight > required_pct
        else:
            # An observer must not outweigh proposers: it only recognises the majority.
            new_position = self._yays > self._nays

        if new_position == self._our_vote:
            self._current_vote_counter += 1
            return False
        self._current_vote_counter = 0
        self._our_vote = new_position
        return True

    def stalled(self, parms: ConsensusParms, proposing: bool, peers_unchanged: int) -> bool:
        """Whether the vote is settled beyond change (rippled's ``DisputedTx::stalled``).

        True only in the last avalanche state (after ``av_min_rounds`` passes there), when our
        vote (if proposing) or the peers' votes have not moved for ``av_stalled_rounds``
        passes, and the transaction has more than ``min_consensus_pct`` support or less than
        its complement. Requiring either side to be still stops a flip-flopping peer from
        holding the round open.
        """
        cutoff = parms.avalanche_cutoffs[self._avalanche_state]
        following = parms.avalanche_cutoffs[cutoff.next]
        if following.consensus_time > cutoff.consensus_time:
            return False
        if self._avalanche_counter < parms.av_min_rounds:
            return False
        if proposing and self._current_vote_counter < parms.av_min_rounds:
            return False
        if peers_unchanged < parms.av_stalled_rounds and (
            proposing and self._current_vote_counter < parms.av_stalled_rounds
        ):
            return False
        support = (self._yays + (1 if proposing and self._our_vote else 0)) * 100
        total = self._nays + self._yays + (1 if proposing else 0)
        if total == 0:
            return False
        weight = support // total
        return weight > parms.min_consensus_pct or weight < 100 - parms.min_consensus_pct
