#!/usr/bin/perl
# What MHA 0.58's own modules (Debian: /usr/share/perl5/MHA) make of a generated config, as JSON
# on standard output; MHA's log goes to standard error. Used by mha.test.ts.
#
#   perl mha-state.pl config     --conf=FILE --global_conf=FILE
#       MHA::Config->read_config: every [serverN] block with [server default] and the global
#       file applied, as MHA holds it.
#   perl mha-state.pl servers    --conf=FILE --global_conf=FILE
#       MHA::ServerManager on the live servers (connect_all_and_read_server_status), the
#       candidate and bad-candidate lists, the new primary select_new_master picks, and the
#       commands MasterMonitor would run on the servers over SSH.
#   perl mha-state.pl check_repl --conf=FILE --global_conf=FILE
#       MHA::MasterMonitor::main as masterha_check_repl calls it.
#   perl mha-state.pl configs FILE...
#       MHA::Config->read_config on each file (no global file), as for `config`, keyed by file;
#       { error } where MHA refuses one.
#   perl mha-state.pl versions VERSION...
#       For each version string, the error MHA's two version parsers die with, in the order MHA
#       calls them on a replica, or null.
#
# With --fixed-version-parsing, MHA::NodeUtil's two version parsers read only the leading
# "X.Y.Z" / "X.Y" of a version string. As released they feed every number of the string to a
# sprintf with three (two) conversions, which Perl >= 5.22 reports as "Redundant argument in
# sprintf", fatal under MHA's `use warnings FATAL => 'all'`: this is how the test sees what MHA
# does after that stop.
use strict;
use warnings;
use JSON::PP;
use MHA::Config;
use MHA::ManagerConst;
use MHA::ManagerUtil;
use MHA::MasterMonitor;
use MHA::NodeUtil;
use MHA::ServerManager;

my ( $mode, @args ) = @ARGV;
my $json = JSON::PP->new->canonical->pretty;

# Passwords stay out of the output: the test never needs them and output may end up in logs.
my @CONFIG_KEYS = qw(id hostname ip port node_label candidate_master no_master ignore_fail multi_tier_slave user repl_user ssh_user ssh_port
  remote_workdir manager_workdir manager_log master_binlog_dir master_ip_failover_script report_script
  shutdown_script secondary_check_script check_repl_delay latest_priority use_gtid_auto_pos);

sub pick {
  my ( $s, @keys ) = @_;
  return { map { ( $_ => $s->{$_} ) } grep { defined $s->{$_} } @keys };
}

if ( ( $mode // '' ) eq 'configs' ) {
  # Each file's bytes stay bytes: JSON::PP without ->utf8 prints them as they are, so UTF-8 in a
  # value reaches the test as the same UTF-8.
  my $log = MHA::ManagerUtil::init_log();
  my %read;
  for my $conf (@args) {
    my ($servers) = eval { MHA::Config->new( logger => $log, globalfile => '/nonexistent/masterha_default.cnf', file => $conf )->read_config() };
    $read{$conf} = $@ ? { error => "$@" } : [ map { pick( $_, @CONFIG_KEYS ) } @$servers ];
  }
  print $json->encode( \%read );
  exit 0;
}

if ( ( $mode // '' ) eq 'versions' ) {
  my %stops;
  for my $v (@args) {
    eval { MHA::NodeUtil::parse_mysql_version($v); MHA::NodeUtil::parse_mysql_major_version($v); };
    $stops{$v} = $@ ? $@ =~ s/\.?\n$//r : undef;
  }
  print $json->encode( \%stops );
  exit 0;
}

my %opt = map { /^--([^=]+)=(.*)$/ ? ( $1 => $2 ) : ( $_ =~ s/^--//r => 1 ) } @args;
die "usage: mha-state.pl config|servers|check_repl --conf=FILE [--global_conf=FILE] [--fixed-version-parsing] | versions VERSION...\n"
  unless $mode && $opt{conf};

if ( $opt{'fixed-version-parsing'} ) {
  no warnings 'redefine';
  *MHA::NodeUtil::parse_mysql_version = sub ($) {
    return sprintf( '%03d%03d%03d', $_[0] =~ m/^(\d+)\.(\d+)\.(\d+)/ );
  };
  *MHA::NodeUtil::parse_mysql_major_version = sub ($) {
    return sprintf( '%03d%03d', $_[0] =~ m/^(\d+)\.(\d+)/ );
  };
}

my $global = $opt{global_conf} // $MHA::ManagerConst::DEFAULT_GLOBAL_CONF;

if ( $mode eq 'check_repl' ) {
  $| = 1;
  my $rc = MHA::MasterMonitor::main( '--interactive=0', '--check_only', '--check_repl_health',
    "--conf=$opt{conf}", "--global_conf=$global" );
  exit $rc;
}

my $log = MHA::ManagerUtil::init_log();
my ($servers) = MHA::Config->new( logger => $log, globalfile => $global, file => $opt{conf} )->read_config();

if ( $mode eq 'config' ) {
  print $json->encode( [ map { pick( $_, @CONFIG_KEYS ) } @$servers ] );
  exit 0;
}

die "unknown mode $mode\n" unless $mode eq 'servers';

my $sm = MHA::ServerManager->new( servers => $servers );
$sm->set_logger($log);
$sm->connect_all_and_read_server_status();
my $master = $sm->get_current_alive_master();
$sm->read_slave_status();
$sm->identify_latest_slaves();
my @latest = $sm->get_latest_slaves();
my $new    = $sm->select_new_master( undef, undef, 1 );

# The commands MasterMonitor runs over SSH before it starts monitoring: check_binlog on the
# master (its own get_binlog_check_command) and, as check_slave_env builds it, the relay log check
# on every alive replica.
my %commands = ( $master->{id} => MHA::MasterMonitor::get_binlog_check_command($master) );
for my $s ( $sm->get_alive_slaves() ) {
  my $c =
"apply_diff_relay_logs --command=test --slave_user=$s->{escaped_user} --slave_host=$s->{hostname} --slave_ip=$s->{ip} --slave_port=$s->{port} --workdir=$s->{remote_workdir} --target_version=$s->{mysql_version} --manager_version=$MHA::ManagerConst::VERSION";
  $c .= $s->{relay_log_info_type} eq 'TABLE'
    ? " --relay_dir=$s->{relay_dir} --current_relay_log=$s->{current_relay_log} "
    : " --relay_log_info=$s->{relay_log_info}  --relay_dir=$s->{datadir} ";
  $commands{ $s->{id} } = $c;
}

my $list = sub { [ map { $_->{id} } @_ ] };
print $json->encode(
  {
    gtid_failover_mode => $sm->{gtid_failover_mode},
    master             => $master->{id},
    alive_slaves       => $list->( $sm->get_alive_slaves() ),
    unmanaged          => $list->( $sm->get_unmanaged_slaves() ),
    candidates         => $list->( $sm->get_candidate_masters() ),
    bad                => $list->( $sm->get_bad_candidate_masters( $latest[0], 1 ) ),
    new_master         => $new ? $new->{id} : undef,
    servers => [ map { pick( $_, qw(id hostname port mysql_version not_slave log_bin has_gtid oldest_major_version candidate_master no_master) ) } $sm->get_servers() ],
    # The password is appended only when the command runs, as MasterMonitor does.
    commands => \%commands,
  }
);
$sm->disconnect_all();
