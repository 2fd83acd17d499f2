package io.nups.transport.rdma;

/** Names of ibv_wc_status values (verbs.h order, as DiSNI's IbvWcStatus), for messages. */
final class WcStatus
{
    static final int SUCCESS = 0;
    static final int LOC_LEN_ERR = 1;
    static final int LOC_PROT_ERR = 4;
    static final int WR_FLUSH_ERR = 5;
    static final int REM_INV_REQ_ERR = 9;
    static final int REM_ACCESS_ERR = 10;
    static final int RETRY_EXC_ERR = 12;
    static final int RNR_RETRY_EXC_ERR = 13;

    static final String[] NAMES = {
        "IBV_WC_SUCCESS", "IBV_WC_LOC_LEN_ERR", "IBV_WC_LOC_QP_OP_ERR", "IBV_WC_LOC_EEC_OP_ERR",
        "IBV_WC_LOC_PROT_ERR", "IBV_WC_WR_FLUSH_ERR", "IBV_WC_MW_BIND_ERR", "IBV_WC_BAD_RESP_ERR",
        "IBV_WC_LOC_ACCESS_ERR", "IBV_WC_REM_INV_REQ_ERR", "IBV_WC_REM_ACCESS_ERR", "IBV_WC_REM_OP_ERR",
        "IBV_WC_RETRY_EXC_ERR", "IBV_WC_RNR_RETRY_EXC_ERR", "IBV_WC_LOC_RDD_VIOL_ERR", "IBV_WC_REM_INV_RD_REQ_ERR",
        "IBV_WC_REM_ABORT_ERR", "IBV_WC_INV_EECN_ERR", "IBV_WC_INV_EEC_STATE_ERR", "IBV_WC_FATAL_ERR",
        "IBV_WC_RESP_TIMEOUT_ERR", "IBV_WC_GENERAL_ERR"};

    private WcStatus()
    {
    }

    /** "rdma READ from node 2 (10.0.0.3:7000) failed: IBV_WC_REM_ACCESS_ERR": the operation, the peer, the status. */
    static String failure(final String operation, final String peer, final int status)
    {
        return "rdma " + operation + " " + peer + " failed: " + name(status);
    }

    static String name(final int status)
    {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "ibv_wc_status " + status;
    }
}
